import { connackReceived } from "../../../src/checks/connackReceived.ts";
import { delivered } from "../../../src/checks/delivered.ts";
import { feature } from "../feature.ts";
import { must, subscribeGranted } from "./_support.ts";

/**
 * A persistent session (Clean Session 0 on every connection, clean_init included): the first
 * CONNACK says Session Present 0, the broker having nothing stored [MQTT-3.2.2-3]; after a
 * clean DISCONNECT the device connects again with Clean Session 0 and the broker, which kept
 * the session, must say Session Present 1 [MQTT-3.2.2-2]. End to end: the subscription made
 * on the first connection is part of that session — a peer's publish reaches the device
 * without it subscribing again [MQTT-3.1.2-4].
 */
export default feature({
  protocol: "3.1.1",
  id: "session-present",
  spec: "3.2.2.2",
  claim: "a reconnect with Clean Session 0 to a kept session gets Session Present 1 and the session's subscription (MQTT-3.2.2-2)",
  client: { clean: false, clean_init: false },
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const topic = `${topics.base}/kept`;
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, topic, 1, "the device subscribes");
    await must(ctx, device.disconnect(), bounds.deliveryMs, "the device disconnects cleanly");
    await must(ctx, device.start(), bounds.connectMs, "the device connects again with Clean Session 0");
    const pub = await peer("pub");
    await pub.publish(topic, "still-subscribed", { qos: 1 });
    await device.received({ topic, payload: "still-subscribed" }, { within: bounds.deliveryMs, what: "the kept subscription still routes to the device" });
  },
  checks: ({ topics }) => [
    connackReceived({ name: "firstConnack", nth: 1, sessionPresent: false, reason: 0, guarantee: "no stored session: Session Present 0 (MQTT-3.2.2-3)" }),
    connackReceived({ name: "resumedConnack", nth: 2, sessionPresent: true, reason: 0, guarantee: "stored session: Session Present 1 (MQTT-3.2.2-2)" }),
    delivered({ to: "device", topic: `${topics.base}/kept`, payload: "still-subscribed" }),
  ],
});
