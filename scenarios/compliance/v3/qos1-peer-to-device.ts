import { brokerSent } from "../../../src/checks/brokerSent.ts";
import { delivered } from "../../../src/checks/delivered.ts";
import { feature } from "../feature.ts";
import { subscribeGranted } from "./_support.ts";

/**
 * QoS 1 to the device — at least once: the receiver answers each PUBLISH with a PUBACK
 * (MQTT-4.3.2-1, MQTT-4.3.2-2). The device subscribes at QoS 1, a peer publishes at QoS 1: the
 * device receives the message, and on the wire (the broker's log) the broker sent it at QoS 1
 * and the client PUBACKs it. Not every client tells its application a message's QoS, so the
 * QoS is judged on the wire.
 */
export default feature({
  protocol: "3.1.1",
  id: "qos1-peer-to-device",
  spec: "4.3.2",
  claim: "a QoS 1 publish from a peer reaches the device subscribed at QoS 1, at QoS 1 (MQTT-4.3.2-1, MQTT-4.3.2-2)",
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const topic = `${topics.base}/q1`;
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, topic, 1, "the device subscribes at QoS 1");
    const pub = await peer("pub");
    await pub.publish(topic, "command-q1", { qos: 1 });
    await device.received({ topic }, { within: bounds.deliveryMs, what: "the device receives the peer's QoS 1 message" });
  },
  checks: ({ topics }) => [
    delivered({ to: "device", topic: `${topics.base}/q1`, payload: "command-q1", retain: false }),
    brokerSent({ topic: `${topics.base}/q1`, qos: 1, dup: false, completed: true }),
  ],
});
