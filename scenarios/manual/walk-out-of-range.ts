import { apLoss } from "../../src/faults/apLoss.ts";
import { walkOutOfRange } from "../../src/faults/profiles/walkOutOfRange.ts";
import { degradedLink } from "../resilience/_templates.ts";
import { ritual } from "./_ritual.ts";

/**
 * Walk out of range and back, by hand: carry the board (on a power bank) away from the AP until
 * it drops off, stay out 3 keepalives, walk back. The out-of-range stretch is the span (an AP
 * loss, timed from the person's Enter); the degrading walk before it is whatever the radio does.
 * Same checks as resilience/walk-out-of-range. Unattended, the lab plays that scenario's walk
 * (rising latency and loss, out of range, back), drawn from --seed.
 */
export default {
  ...degradedLink({
    id: "manual-walk-out-of-range",
    title: "By hand: walk the board out of WiFi range, stay out 3 keepalives, walk back",
    faults: ["walkOutOfRange", "apLoss"],
    profile: (ctx) =>
      ritual(ctx, {
        step: "walk",
        begin: "Walk away from the access point with the board until it is out of range (its connection drops)",
        end: "Walk back to the access point",
        holdMs: 3 * ctx.client.keepalive * 1000,
        fault: apLoss(ctx.targets),
        unattended: (c) => walkOutOfRange(c, { steps: 3, stepMs: 2500, outageMs: 3 * c.client.keepalive * 1000 }),
      }),
    back: "client is up after walking back",
    resumes: "client resumes publishing",
    checks: { detectsOutageWithin: true, noBusyLoop: true },
  }),
  manual: true,
  timeoutMs: 30 * 60_000,
};
