import { delivered } from "../../../src/checks/delivered.ts";
import { feature } from "../feature.ts";
import { must, willBound } from "./_support.ts";

/**
 * Will QoS [MQTT-3.1.2-14]: a will sent with QoS 1 is published at QoS 1, so a peer
 * subscribed at QoS 1 receives it at QoS 1 (a client that put 0 in the Will QoS bits would
 * show here as QoS 0). The device connects with the will, then loses power.
 */
export default feature({
  protocol: "3.1.1",
  id: "will-qos1",
  spec: "3.1.2.6",
  claim: "a will with Will QoS 1 is published at QoS 1 (MQTT-3.1.2-14)",
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const topic = `${topics.base}/status`;
    await device.up({ within: bounds.connectMs });
    await must(ctx, device.disconnect(), bounds.deliveryMs, "the device disconnects before connecting with its will");
    const watch = await peer("watch");
    await watch.subscribe(topic, { qos: 1 });
    await must(ctx, device.start({ will: { topic, payload: "gone-qos1", qos: 1, retain: false } }), bounds.connectMs, "the device connects with a QoS 1 will");
    await device.powerOff();
    await watch.received({ topic }, { within: willBound(ctx), what: "the broker publishes the will" });
  },
  checks: ({ topics }) => [delivered({ to: "peer:watch", topic: `${topics.base}/status`, payload: "gone-qos1", qos: 1, retain: false })],
});
