import { scenario } from "../../src/scenario/dsl.ts";
import { latency } from "../../src/faults/latency.ts";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { resumesPublishing } from "../../src/checks/resumesPublishing.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { orderPerTopic } from "../../src/checks/orderPerTopic.ts";
import { noDuplicatesBeyondDup } from "../../src/checks/noDuplicatesBeyondDup.ts";

/** One-way delay and its jitter, ms: a round trip takes at most 2 × (1000 + 200) = 2.4 s. */
const LATENCY_MS = 1000;
const JITTER_MS = 200;
/** How long the link stays slow: three keepalives, so the client pings across it more than once. */
const SLOW_KEEPALIVES = 3;

/**
 * A slow link: every byte either way is 1 s ± 200 ms late (a busy AP, a long path), for three
 * keepalives, while the device publishes a numbered QoS 1 stream and receives one. The
 * client's response time (4 s) is above the worst round trip (2.4 s), as a user on such a link
 * sets it: the link is slow, never dead by the client's own rules, so publishes must keep
 * completing during the fault, and nothing acknowledged may be lost, reordered or duplicated.
 * No reconnect is required (reconnectsWithin does not apply: the client need not go down).
 */
export default scenario({
  id: "latency",
  title: "Link 1 s ± 200 ms late each way for 3 keepalives while the device publishes and receives QoS 1",
  faults: ["latency"],
  client: { clean: true, keepalive: 5, response_time: 4 },
  async run({ device, observer, topics, bounds, client, targets, inject, heal, wait }) {
    await device.up({ within: bounds.connectMs, what: "client connects" });
    await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes" });
    const everyMs = 200;
    const upstream = device.publishEvery(topics.up, { qos: 1, everyMs });
    const downstream = observer.publishEvery(topics.down, { qos: 1, everyMs });
    await upstream.acked(3, { within: bounds.connectMs, what: "publishes flow before the fault" });

    const slow = await inject(latency(targets, { latencyMs: LATENCY_MS, jitterMs: JITTER_MS }));
    // Each publish must be answered within the client's own response time (the stream waits
    // everyMs between them): two more in 2 × (response time + everyMs).
    const perPublish = client.response_time * 1000 + everyMs;
    await upstream.acked(2, { within: 2 * perPublish, what: "publishes still complete on the slow link" });
    await wait(SLOW_KEEPALIVES * client.keepalive * 1000);
    await upstream.acked(1, { within: perPublish, what: "publishes still complete at the end of the slow stretch" });
    await heal(slow);

    // Had the client dropped the link anyway, one failed attempt and one good one bring it back.
    await device.up({ within: bounds.reconnectAfterHealMs, what: "client is up after the link is fast again" });
    await upstream.acked(5, { within: bounds.reconnectCycleMs, what: "client keeps publishing after the heal" });
    await Promise.all([upstream.stop(), downstream.stop()]);
  },
  checks: () => [noLostAcknowledged(), resumesPublishing(3), noUncaughtErrors(), orderPerTopic(), noDuplicatesBeyondDup()],
});
