import { deliveredIntact } from "../../../src/checks/deliveredIntact.ts";
import { feature } from "../feature.ts";
import { must, subscribeGranted } from "./_support.ts";

/** Topic length in bytes: past 127, so SUBSCRIBE and PUBLISH need a two-byte Remaining Length. */
const TOPIC_BYTES = 200;

/**
 * A topic longer than 127 bytes round trips: the packets that carry it (SUBSCRIBE, PUBLISH)
 * have a Remaining Length above 127, encoded in two bytes (§2.2.3), and the topic's own length
 * prefix is a real 16-bit number (§1.5.3). A client that encodes the Remaining Length in one
 * byte, or the topic length in one, breaks here. Both directions: the device subscribes to
 * the long topic and receives a peer's message; the device publishes on it and the peer
 * receives.
 */
export default feature({
  protocol: "3.1.1",
  id: "topic-over-127-bytes",
  spec: "2.2.3",
  claim: "a 200-byte topic (two-byte Remaining Length) round trips between the device and a peer (§2.2.3, §1.5.3)",
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
