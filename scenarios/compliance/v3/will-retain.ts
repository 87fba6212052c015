import { delivered } from "../../../src/checks/delivered.ts";
import { feature } from "../feature.ts";
import { must, willBound } from "./_support.ts";

/**
 * Will Retain [MQTT-3.1.2-17]: a will sent with Will Retain 1 is published as a retained
 * message. A peer subscribed before the loss receives it (RETAIN 0: it matched an existing
 * subscription, MQTT-3.3.1-9); a peer that subscribes only afterwards must get it from the
 * broker's store, with RETAIN 1 [MQTT-3.3.1-8].
 */
export default feature({
  protocol: "3.1.1",
  id: "will-retain",
  spec: "3.1.2.7",
  claim: "a will with Will Retain 1 is published retained: a later subscriber gets it with RETAIN 1 (MQTT-3.1.2-17)",
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const topic = `${topics.base}/status`;
    await device.up({ within: bounds.connectMs });
    await must(ctx, device.disconnect(), bounds.deliveryMs, "the device disconnects before connecting with its will");
    const watch = await peer("watch");
    await watch.subscribe(topic, { qos: 1 });
    await must(ctx, device.start({ will: { topic, payload: "offline", qos: 1, retain: true } }), bounds.connectMs, "the device connects with a retained will");
    await device.powerOff();
    await watch.received({ topic }, { within: willBound(ctx), what: "the broker publishes the will" });
    const late = await peer("late");
    await late.subscribe(topic, { qos: 1 });
    await late.received({ topic }, { within: bounds.deliveryMs, what: "a later subscriber gets the retained will" });
  },
  checks: ({ topics }) => [
    delivered({ name: "willPublished", to: "peer:watch", topic: `${topics.base}/status`, payload: "offline", retain: false }),
    delivered({ name: "willRetained", to: "peer:late", topic: `${topics.base}/status`, payload: "offline", retain: true }),
  ],
});
