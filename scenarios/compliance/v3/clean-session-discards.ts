import { connackReceived } from "../../../src/checks/connackReceived.ts";
import { delivered } from "../../../src/checks/delivered.ts";
import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { feature } from "../feature.ts";
import { must, subscribeGranted } from "./_support.ts";

/**
 * Clean Session 1 discards what the broker kept [MQTT-3.1.2-6]. The device makes a persistent
 * session (Clean Session 0) holding a QoS 1 subscription and disconnects; a peer publishes a
 * QoS 1 message the broker queues in that session [MQTT-3.1.2-5]. The device then connects with
 * Clean Session 1: Session Present 0 [MQTT-3.2.2-1], and the queued message must never come.
 * Absence by sentinel: the device subscribes anew and the peer publishes a second message on
 * the same topic; once that one arrived, anything left of the old session would have come
 * before it.
 */
export default feature({
  protocol: "3.1.1",
  id: "clean-session-discards",
  spec: "3.1.2.4",
  claim: "a connect with Clean Session 1 discards the previous session: Session Present 0, its queued messages never delivered (MQTT-3.1.2-6)",
  client: { clean: false, clean_init: false },
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const topic = `${topics.base}/queue`;
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, topic, 1, "the device subscribes");
    await must(ctx, device.disconnect(), bounds.deliveryMs, "the device disconnects cleanly");
    const pub = await peer("pub");
    await pub.publish(topic, "queued", { qos: 1 });
    await must(ctx, device.start({ clean: true, clean_init: true }), bounds.connectMs, "the device connects with Clean Session 1");
    await subscribeGranted(ctx, topic, 1, "the device subscribes in its new session");
    await pub.publish(topic, "sentinel", { qos: 1 });
    await device.received({ topic, payload: "sentinel" }, { within: bounds.deliveryMs, what: "the new session receives the sentinel" });
  },
  checks: ({ topics }) => [
    connackReceived({ nth: 2, sessionPresent: false, reason: 0, guarantee: "Clean Session 1: Session Present 0 (MQTT-3.2.2-1)" }),
    notDelivered({ to: "device", topic: `${topics.base}/queue`, payload: "queued", guarantee: "a message queued in the discarded session is never delivered (MQTT-3.1.2-6)" }),
    delivered({ to: "device", topic: `${topics.base}/queue`, payload: "sentinel", count: 1 }),
  ],
});
