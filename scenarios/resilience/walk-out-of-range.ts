import { walkOutOfRange } from "../../src/faults/profiles/walkOutOfRange.ts";
import { degradedLink } from "./_templates.ts";

/**
 * Walk out of range and back: three degraded stages out (latency up to 1.2 s ± 25 %, loss
 * rising), an out-of-range stretch, three stages back; each stage 2.5 s ± 30 % (the pace and
 * the loss chains are drawn from --seed; the schedule is on the timeline). Out of range lasts
 * 3 × keepalive (15 s): past the client's detection bound, so it must notice by itself.
 *
 * reconnectsWithin does not apply: it times an `up` after every fault span, and the degraded
 * stages (latency, lossyLink) need not bring the client down at all. The scenario waits
 * instead for the client to be up within one reconnect bound after the walk ends.
 */
export default degradedLink({
  id: "walk-out-of-range",
  title: "Walk out of WiFi range and back: rising latency and loss, 3 keepalives out of range, then recovery",
  faults: ["walkOutOfRange", "latency", "lossyLink", "apLoss"],
  profile: (ctx) => walkOutOfRange(ctx, { steps: 3, stepMs: 2500, outageMs: 3 * ctx.client.keepalive * 1000 }),
  back: "client is up after walking back",
  resumes: "client resumes publishing",
  checks: { detectsOutageWithin: true, noBusyLoop: true },
});
