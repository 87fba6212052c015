import { delivered } from "../../../src/checks/delivered.ts";
import { opAnswered } from "../../../src/checks/opAnswered.ts";
import { feature } from "../feature.ts";
import { must } from "./_support.ts";

/**
 * QoS 1 from the device — at least once: the receiver answers each PUBLISH with a PUBACK
 * (MQTT-4.3.2-1, MQTT-4.3.2-2). The device publishes at QoS 1 to a peer subscribed at QoS 1:
 * the client answers the publish as done once the broker PUBACKed it, and the peer receives
 * the message at QoS 1.
 */
export default feature({
  protocol: "3.1.1",
  id: "qos1-device-to-peer",
  spec: "4.3.2",
  claim: "a QoS 1 publish from the device reaches a QoS 1 subscriber at QoS 1 (MQTT-4.3.2-1, MQTT-4.3.2-2)",
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const topic = `${topics.base}/q1`;
    await device.up({ within: bounds.connectMs });
    const sub = await peer("sub");
    await sub.subscribe(topic, { qos: 1 });
    await must(ctx, device.publish(topic, "reading-q1", { qos: 1 }), bounds.deliveryMs, "the device publishes at QoS 1");
    await sub.received({ topic }, { within: bounds.deliveryMs, what: "the peer receives the device's QoS 1 message" });
  },
  checks: ({ topics }) => [
    opAnswered({ op: "publish", topic: `${topics.base}/q1`, ok: true }),
    delivered({ to: "peer:sub", topic: `${topics.base}/q1`, payload: "reading-q1", qos: 1, retain: false }),
  ],
});
