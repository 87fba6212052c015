import { delivered } from "../../../src/checks/delivered.ts";
import { opAnswered } from "../../../src/checks/opAnswered.ts";
import { feature } from "../feature.ts";
import { must } from "./_support.ts";

/**
 * QoS 2 from the device — exactly once: PUBLISH, PUBREC, PUBREL, PUBCOMP (MQTT-4.3.3-1,
 * MQTT-4.3.3-2). The device publishes at QoS 2 to a peer subscribed at QoS 2: the client
 * answers the publish as done once the PUBREC/PUBREL/PUBCOMP exchange completed, and the peer
 * receives the message at QoS 2, exactly once.
 */
export default feature({
  protocol: "3.1.1",
  id: "qos2-device-to-peer",
  spec: "4.3.3",
  requires: ["qos2"],
  claim: "a QoS 2 publish from the device reaches a QoS 2 subscriber at QoS 2 (MQTT-4.3.3-1, MQTT-4.3.3-2)",
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const topic = `${topics.base}/q2`;
    await device.up({ within: bounds.connectMs });
    const sub = await peer("sub");
    await sub.subscribe(topic, { qos: 2 });
    await must(ctx, device.publish(topic, "reading-q2", { qos: 2 }), bounds.deliveryMs, "the device publishes at QoS 2");
    await sub.received({ topic }, { within: bounds.deliveryMs, what: "the peer receives the device's QoS 2 message" });
  },
  checks: ({ topics }) => [
    opAnswered({ op: "publish", topic: `${topics.base}/q2`, ok: true }),
    delivered({ to: "peer:sub", topic: `${topics.base}/q2`, payload: "reading-q2", qos: 2, retain: false, count: 1 }),
  ],
});
