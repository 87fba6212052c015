import { brokerSent } from "../../../src/checks/brokerSent.ts";
import { delivered } from "../../../src/checks/delivered.ts";
import { feature } from "../feature.ts";
import { subscribeGranted } from "./_support.ts";

/**
 * A retained message reaches a new subscriber — the device — with RETAIN 1 [MQTT-3.3.1-6,
 * MQTT-3.3.1-8]: a peer publishes retained, then the device subscribes. The client must hand
 * the message on and tell the application it was retained (a stale value, not news); on the
 * wire the broker's log shows the RETAIN flag it sent and the client's PUBACK.
 */
export default feature({
  protocol: "3.1.1",
  id: "retained-to-device",
  spec: "3.3.1.3",
  claim: "a retained message is sent to the device when it subscribes, with the RETAIN flag set (MQTT-3.3.1-6, MQTT-3.3.1-8)",
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const topic = `${topics.base}/config`;
    await device.up({ within: bounds.connectMs });
    const pub = await peer("pub");
    await pub.publish(topic, "interval=60", { qos: 1, retain: true });
    await subscribeGranted(ctx, topic, 1, "the device subscribes");
    await device.received({ topic }, { within: bounds.deliveryMs, what: "the device gets the retained message" });
  },
  checks: ({ topics }) => [
    delivered({ to: "device", topic: `${topics.base}/config`, payload: "interval=60", retain: true, count: 1 }),
    brokerSent({ topic: `${topics.base}/config`, retain: true, qos: 1, completed: true }),
  ],
});
