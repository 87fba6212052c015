import { deliveredIntact } from "../../../src/checks/deliveredIntact.ts";
import { feature } from "../feature.ts";
import { must, subscribeGranted } from "./_support.ts";

/** Topic length in bytes: past 16 383, so SUBSCRIBE and PUBLISH need a three-byte Remaining Length. */
const TOPIC_BYTES = 20_000;

/**
 * A topic longer than 16 383 bytes round trips: Remaining Length then takes three bytes
 * (§2.2.3) — a client that only handles one or two breaks here — and the topic stays within
 * the 65 535 bytes a UTF-8 string may have [MQTT-4.7.3-3]. Both directions, as for the
 * 127-byte topic. Some brokers cap topic length below this: they declare "long-topics" lacking.
 */
export default feature({
  protocol: "3.1.1",
  id: "topic-over-16383-bytes",
  spec: "2.2.3",
  requires: ["long-topics"],
  claim: "a 20 000-byte topic (three-byte Remaining Length) round trips between the device and a peer (§2.2.3, MQTT-4.7.3-3)",
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const head = `${topics.base}/long/`;
    const topic = head + "x".repeat(TOPIC_BYTES - head.length);
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, topic, 1, "the device subscribes to the long topic");
    const other = await peer("other");
    await other.subscribe(topic, { qos: 1 });
    await other.publish(topic, "to-device", { qos: 1 });
    await device.received({ topic, payload: "to-device" }, { within: bounds.deliveryMs, what: "the device receives on the long topic" });
    await must(ctx, device.publish(topic, "from-device", { qos: 1 }), bounds.deliveryMs, "the device publishes on the long topic");
    await other.received({ topic, payload: "from-device" }, { within: bounds.deliveryMs, what: "the peer receives the device's message" });
  },
  checks: ({ topics }) => {
    const head = `${topics.base}/long/`;
    const topic = head + "x".repeat(TOPIC_BYTES - head.length);
    return [
      deliveredIntact({ name: "toDevice", to: "device", topic, payload: "to-device", count: 1 }),
      deliveredIntact({ name: "fromDevice", to: "peer:other", topic, payload: "from-device", count: 1 }),
    ];
  },
});
