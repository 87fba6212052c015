import { scenario } from "../../src/scenario/dsl.ts";
import { slicer } from "../../src/faults/slicer.ts";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { resumesPublishing } from "../../src/checks/resumesPublishing.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { orderPerTopic } from "../../src/checks/orderPerTopic.ts";
import { noDuplicatesBeyondDup } from "../../src/checks/noDuplicatesBeyondDup.ts";

/**
 * Pieces of 1–5 bytes (3 ± 2), 2 ms apart: a fixed header, its remaining-length bytes and the
 * payload each come in several reads. A 40-byte PUBLISH takes about 30 ms to cross.
 */
const SLICES = { averageSizeBytes: 3, sizeVariationBytes: 2, delayUs: 2000 };
/** Three keepalives of fragmentation, so PINGREQ/PINGRESP are sliced too. */
const SLICED_KEEPALIVES = 3;

/**
 * Fragmentation: every MQTT packet either way arrives in pieces of a few bytes, for three
 * keepalives, while the device publishes and receives QoS 1 streams. A client that reads
 * exactly what it needs does not notice; one that assumes one read is one packet misparses,
 * errs or hangs. Nothing is lost on the wire, so publishes must keep completing within the
 * client's response time, and every message must arrive whole, once, in order.
 */
export default scenario({
  id: "slicer",
  title: "MQTT packets sliced into 1–5 byte pieces both ways for 3 keepalives while publishing and receiving QoS 1",
  faults: ["slicer"],
  client: { clean: true, keepalive: 5, response_time: 3 },
  async run({ device, observer, topics, bounds, client, targets, inject, heal, wait }) {
    await device.up({ within: bounds.connectMs, what: "client connects" });
    await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes" });
    const everyMs = 200;
    const upstream = device.publishEvery(topics.up, { qos: 1, everyMs });
    const downstream = observer.publishEvery(topics.down, { qos: 1, everyMs });
    await upstream.acked(3, { within: bounds.connectMs, what: "publishes flow before the fault" });

    const sliced = await inject(slicer(targets, SLICES));
    // Slow by some tens of ms only: each publish answered within the client's response time.
    const perPublish = client.response_time * 1000 + everyMs;
    await upstream.acked(3, { within: 3 * perPublish, what: "publishes still complete while packets are sliced" });
    await wait(SLICED_KEEPALIVES * client.keepalive * 1000);
    await upstream.acked(1, { within: perPublish, what: "publishes still complete at the end of the sliced stretch" });
    await heal(sliced);

    await device.up({ within: bounds.reconnectAfterHealMs, what: "client is up after the heal" });
    await upstream.acked(5, { within: bounds.reconnectCycleMs, what: "client keeps publishing after the heal" });
    await Promise.all([upstream.stop(), downstream.stop()]);
  },
  checks: () => [noLostAcknowledged(), resumesPublishing(3), noUncaughtErrors(), orderPerTopic(), noDuplicatesBeyondDup()],
});
