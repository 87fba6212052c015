import { apLoss } from "../../src/faults/apLoss.ts";
import { outage } from "./_templates.ts";

/**
 * The access point goes away for 3 × keepalive: the device's WLAN reports down and the wire is
 * silent both ways (no FIN, no RST). The broker drops the half-open connection after its 1.5 ×
 * keepalive. The device publishes a numbered QoS 1 stream and receives one from the observer;
 * with clean=true it must notice (its WLAN or its keepalive), reconnect once the AP is back,
 * subscribe again, and lose nothing it was told was acknowledged.
 */
export default outage({
  id: "ap-loss-long",
  title: "Access point lost for 3 × keepalive (WLAN down, wire silent) while the device publishes and receives QoS 1",
  faults: ["apLoss"],
  fault: ({ targets }) => apLoss(targets),
});
