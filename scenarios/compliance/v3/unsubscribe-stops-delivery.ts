import { delivered } from "../../../src/checks/delivered.ts";
import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { opAnswered } from "../../../src/checks/opAnswered.ts";
import { feature } from "../feature.ts";
import { subscribeGranted, unsubscribeGranted } from "./_support.ts";

/**
 * UNSUBSCRIBE ends a subscription: once the broker has sent its UNSUBACK it adds no new
 * messages for it [MQTT-3.10.4-2]; the client's part is an UNSUBSCRIBE whose filter matches
 * the subscription character for character [MQTT-3.10.4-1]. The device subscribes to two
 * topics; a message on the first arrives; the device unsubscribes from it and the scenario
 * waits for the broker's UNSUBACK (whether the client's own answer already means that is a
 * feature of its own, unsubscribe-acknowledged); a peer then publishes on the unsubscribed topic
 * and, last, on the one still subscribed: the sentinel's arrival means the broker had decided
 * about the message before it.
 */
export default feature({
  protocol: "3.1.1",
  id: "unsubscribe-stops-delivery",
  spec: "3.10.4",
  claim: "after the broker acknowledged the device's UNSUBSCRIBE, messages on that topic are no longer delivered (MQTT-3.10.4-1, MQTT-3.10.4-2)",
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const gone = `${topics.base}/gone`;
    const kept = `${topics.base}/kept`;
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, gone, 1, "the device subscribes");
    await subscribeGranted(ctx, kept, 1, "the device subscribes to the sentinel topic");
    const pub = await peer("pub");
    await pub.publish(gone, "before", { qos: 1 });
    await device.received({ topic: gone, payload: "before" }, { within: bounds.deliveryMs, what: "the subscription works before the unsubscribe" });
    await unsubscribeGranted(ctx, gone, "the device unsubscribes");
    await pub.publish(gone, "after", { qos: 1 });
    await pub.publish(kept, "sentinel", { qos: 1 });
    await device.received({ topic: kept, payload: "sentinel" }, { within: bounds.deliveryMs, what: "the device receives the sentinel" });
  },
  checks: ({ topics }) => [
    opAnswered({ op: "unsubscribe", topic: `${topics.base}/gone`, ok: true }),
    delivered({ name: "before", to: "device", topic: `${topics.base}/gone`, payload: "before", count: 1 }),
    notDelivered({ name: "notAfter", to: "device", topic: `${topics.base}/gone`, payload: "after", guarantee: "no delivery after the UNSUBACK (MQTT-3.10.4-2)" }),
  ],
});
