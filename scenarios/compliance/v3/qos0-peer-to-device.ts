import { brokerSent } from "../../../src/checks/brokerSent.ts";
import { delivered } from "../../../src/checks/delivered.ts";
import { feature } from "../feature.ts";
import { subscribeGranted } from "./_support.ts";

/**
 * QoS 0 to the device — at most once: no acknowledgement, never a duplicate (MQTT-4.3.1-1).
 * The device subscribes at QoS 0, a peer publishes at QoS 0: the device receives the message
 * exactly once, and on the wire (the broker's log) the broker sent it at QoS 0 and no answer
 * from the client is expected (a QoS 0 PUBLISH is never acknowledged). Not every client tells
 * its application a message's QoS, so the QoS is judged on the wire.
 */
export default feature({
  protocol: "3.1.1",
  id: "qos0-peer-to-device",
  spec: "4.3.1",
  claim: "a QoS 0 publish from a peer reaches the device subscribed at QoS 0, at QoS 0 (MQTT-4.3.1-1)",
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const topic = `${topics.base}/q0`;
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, topic, 0, "the device subscribes at QoS 0");
    const pub = await peer("pub");
    await pub.publish(topic, "command-q0", { qos: 0 });
    await device.received({ topic }, { within: bounds.deliveryMs, what: "the device receives the peer's QoS 0 message" });
  },
  checks: ({ topics }) => [
    delivered({ to: "device", topic: `${topics.base}/q0`, payload: "command-q0", retain: false, count: 1 }),
    brokerSent({ topic: `${topics.base}/q0`, qos: 0, dup: false, count: 1 }),
  ],
});
