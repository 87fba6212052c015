import { faradayCage } from "../../src/faults/profiles/faradayCage.ts";
import { throughFault } from "./_templates.ts";

/**
 * The maintainers' own test: the running board goes into a metal box. The profile's default
 * outage is 3 × keepalive (15 s here): longer than the client's detection bound (1.5 ×
 * keepalive + slack) and than the broker's own timeout, so both ends must find out from their
 * own timers — no FIN, no RST, WLAN down. Then the box opens and the client must come back by
 * itself, resume publishing, and have lost nothing it was told was acknowledged.
 */
export default throughFault({
  id: "faraday-cage",
  title: "Board in a Faraday cage for 3 keepalives (WLAN down, wire silent) while publishing and receiving QoS 1",
  faults: ["faradayCage", "apLoss"],
  fault: (ctx) => faradayCage(ctx),
  back: "client reconnects after the cage opens",
  checks: { inOrder: true, detectsOutageWithin: true },
});
