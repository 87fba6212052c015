import { delivered } from "../../../src/checks/delivered.ts";
import { opAnswered } from "../../../src/checks/opAnswered.ts";
import { feature } from "../feature.ts";
import { must } from "./_support.ts";

/**
 * QoS 0 from the device — at most once: no acknowledgement, never a duplicate (MQTT-4.3.1-1).
 * The device publishes at QoS 0 to a peer subscribed at QoS 0: the client answers the publish
 * as done, and the peer receives the message at QoS 0, exactly once.
 */
export default feature({
  protocol: "3.1.1",
  id: "qos0-device-to-peer",
  spec: "4.3.1",
  claim: "a QoS 0 publish from the device reaches a QoS 0 subscriber at QoS 0 (MQTT-4.3.1-1)",
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const topic = `${topics.base}/q0`;
    await device.up({ within: bounds.connectMs });
    const sub = await peer("sub");
    await sub.subscribe(topic, { qos: 0 });
    await must(ctx, device.publish(topic, "reading-q0", { qos: 0 }), bounds.deliveryMs, "the device publishes at QoS 0");
    await sub.received({ topic }, { within: bounds.deliveryMs, what: "the peer receives the device's QoS 0 message" });
  },
  checks: ({ topics }) => [
    opAnswered({ op: "publish", topic: `${topics.base}/q0`, ok: true }),
    delivered({ to: "peer:sub", topic: `${topics.base}/q0`, payload: "reading-q0", qos: 0, retain: false, count: 1 }),
  ],
});
