import { delivered } from "../../../src/checks/delivered.ts";
import { feature } from "../feature.ts";
import { must, willBound } from "./_support.ts";

/**
 * The will is the broker's word that the device is gone: the device connects with a will
 * (QoS 0, not retained) and then loses power — no DISCONNECT. The broker must publish the
 * will [MQTT-3.1.2-8] to a peer subscribed to its topic. (The will topic lives under the run's
 * own prefix, which client settings cannot name, so the device first connects plainly,
 * disconnects, and connects again with the will.)
 */
export default feature({
  protocol: "3.1.1",
  id: "will-on-loss",
  spec: "3.1.2.5",
  claim: "the will is published when the connection is lost without DISCONNECT (MQTT-3.1.2-8)",
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const topic = `${topics.base}/status`;
    await device.up({ within: bounds.connectMs });
    await must(ctx, device.disconnect(), bounds.deliveryMs, "the device disconnects before connecting with its will");
    const watch = await peer("watch");
    await watch.subscribe(topic, { qos: 1 });
    await must(ctx, device.start({ will: { topic, payload: "gone", qos: 0, retain: false } }), bounds.connectMs, "the device connects with a will");
    await device.powerOff();
    await watch.received({ topic }, { within: willBound(ctx), what: "the broker publishes the will" });
  },
  checks: ({ topics }) => [delivered({ to: "peer:watch", topic: `${topics.base}/status`, payload: "gone", qos: 0, retain: false, count: 1 })],
});
