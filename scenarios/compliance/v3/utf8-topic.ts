import { delivered } from "../../../src/checks/delivered.ts";
import { feature } from "../feature.ts";
import { must, subscribeGranted } from "./_support.ts";

/**
 * Topic names are UTF-8 (§1.5.3, §4.7.3): a topic with two-, three- and four-byte characters —
 * "température", "北京", "😀" (a character outside the Basic Multilingual Plane, which UTF-16
 * based code gets wrong) — round trips unchanged, its length prefix counting bytes, not
 * characters. Both directions: the device subscribes and receives a peer's message on it, and
 * publishes on it to the peer.
 */
export default feature({
  protocol: "3.1.1",
  id: "utf8-topic",
  spec: "1.5.3",
  claim: "a topic with non-ASCII UTF-8 characters (2, 3 and 4 bytes) round trips unchanged (§1.5.3, MQTT-1.5.3-1)",
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const topic = `${topics.base}/température/北京/😀`;
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, topic, 1, "the device subscribes to the UTF-8 topic");
    const other = await peer("other");
    await other.subscribe(topic, { qos: 1 });
    await other.publish(topic, "to-device", { qos: 1 });
    await device.received({ topic, payload: "to-device" }, { within: bounds.deliveryMs, what: "the device receives on the UTF-8 topic" });
    await must(ctx, device.publish(topic, "from-device", { qos: 1 }), bounds.deliveryMs, "the device publishes on the UTF-8 topic");
    await other.received({ topic, payload: "from-device" }, { within: bounds.deliveryMs, what: "the peer receives the device's message" });
  },
  checks: ({ topics }) => [
    delivered({ name: "toDevice", to: "device", topic: `${topics.base}/température/北京/😀`, payload: "to-device", count: 1 }),
    delivered({ name: "fromDevice", to: "peer:other", topic: `${topics.base}/température/北京/😀`, payload: "from-device", count: 1 }),
  ],
});
