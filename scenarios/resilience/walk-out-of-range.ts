import { scenario } from "../../src/scenario/dsl.ts";
import { walkOutOfRange } from "../../src/faults/profiles/walkOutOfRange.ts";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { resumesPublishing } from "../../src/checks/resumesPublishing.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { orderPerTopic } from "../../src/checks/orderPerTopic.ts";
import { noDuplicatesBeyondDup } from "../../src/checks/noDuplicatesBeyondDup.ts";
import { detectsOutageWithin } from "../../src/checks/detectsOutageWithin.ts";
import { noBusyLoop } from "../../src/checks/noBusyLoop.ts";

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
export default scenario({
  id: "walk-out-of-range",
  title: "Walk out of WiFi range and back: rising latency and loss, 3 keepalives out of range, then recovery",
  faults: ["walkOutOfRange", "latency", "lossyLink", "apLoss"],
  client: { clean: true, keepalive: 5, response_time: 3 },
  async run(ctx) {
    const { device, observer, topics, bounds, client } = ctx;
    await device.up({ within: bounds.connectMs, what: "client connects" });
    await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes" });
    const upstream = device.publishEvery(topics.up, { qos: 1, everyMs: 200 });
    const downstream = observer.publishEvery(topics.down, { qos: 1, everyMs: 200 });
    await upstream.acked(3, { within: bounds.connectMs, what: "publishes flow before the fault" });

    await walkOutOfRange(ctx, { steps: 3, stepMs: 2500, outageMs: 3 * client.keepalive * 1000 });

    await device.up({ within: bounds.reconnectAfterHealMs, what: "client is up after walking back" });
    await upstream.acked(5, { within: bounds.reconnectCycleMs, what: "client resumes publishing" });
    await Promise.all([upstream.stop(), downstream.stop()]);
  },
  checks: () => [noLostAcknowledged(), resumesPublishing(3), noUncaughtErrors(), orderPerTopic(), noDuplicatesBeyondDup(), detectsOutageWithin(), noBusyLoop()],
});
