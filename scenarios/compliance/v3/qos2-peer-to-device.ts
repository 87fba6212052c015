import { brokerSent } from "../../../src/checks/brokerSent.ts";
import { delivered } from "../../../src/checks/delivered.ts";
import { feature } from "../feature.ts";
import { subscribeGranted } from "./_support.ts";

/**
 * QoS 2 to the device — exactly once: PUBLISH, PUBREC, PUBREL, PUBCOMP (MQTT-4.3.3-1,
 * MQTT-4.3.3-2). The device subscribes at QoS 2, a peer publishes at QoS 2: the device
 * receives the message exactly once, and on the wire (the broker's log) the broker sent it at
 * QoS 2 and the client completes PUBREC → PUBREL → PUBCOMP. Not every client tells its
 * application a message's QoS, so the QoS is judged on the wire.
 */
export default feature({
  protocol: "3.1.1",
  id: "qos2-peer-to-device",
  spec: "4.3.3",
  requires: ["qos2"],
  claim: "a QoS 2 publish from a peer reaches the device subscribed at QoS 2, at QoS 2 (MQTT-4.3.3-1, MQTT-4.3.3-2)",
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const topic = `${topics.base}/q2`;
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, topic, 2, "the device subscribes at QoS 2");
    const pub = await peer("pub");
    await pub.publish(topic, "command-q2", { qos: 2 });
    await device.received({ topic }, { within: bounds.deliveryMs, what: "the device receives the peer's QoS 2 message" });
  },
  checks: ({ topics }) => [
    delivered({ to: "device", topic: `${topics.base}/q2`, payload: "command-q2", retain: false, count: 1 }),
    brokerSent({ topic: `${topics.base}/q2`, qos: 2, dup: false, completed: true, count: 1 }),
  ],
});
