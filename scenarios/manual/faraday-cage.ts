import { apLoss } from "../../src/faults/apLoss.ts";
import { throughFault } from "../resilience/_templates.ts";
import { ritual } from "./_ritual.ts";

/**
 * The maintainers' own test, by hand: the running board goes into a metal box (a biscuit tin)
 * for 3 keepalives, then the box opens. Same client settings, checks and bounds as
 * resilience/faraday-cage; the span is timed from the person's Enter. Unattended, the lab
 * applies the AP loss (WLAN down, wire silent) itself.
 */
export default {
  ...throughFault({
    id: "manual-faraday-cage",
    title: "By hand: the board goes into a Faraday cage (a tin box) for 3 keepalives while publishing and receiving QoS 1",
    faults: ["apLoss"],
    fault: (ctx) =>
      ritual(ctx, {
        step: "cage",
        begin: "Put the running board in the tin box and close the lid",
        end: "Open the box (leave the board where it is)",
        holdMs: 3 * ctx.client.keepalive * 1000,
        fault: apLoss(ctx.targets),
      }),
    back: "client reconnects after the cage opens",
    checks: { inOrder: true, detectsOutageWithin: true },
  }),
  manual: true,
  timeoutMs: 30 * 60_000,
};
