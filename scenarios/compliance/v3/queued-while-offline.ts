import { connackReceived } from "../../../src/checks/connackReceived.ts";
import { delivered } from "../../../src/checks/delivered.ts";
import { feature } from "../feature.ts";
import { must, subscribeGranted } from "./_support.ts";

/**
 * The point of a persistent session: QoS 1 messages published while the device is away are
 * stored by the broker [MQTT-3.1.2-5] and delivered when it comes back with Clean Session 0
 * [MQTT-3.1.2-4]. The device subscribes at QoS 1 and disconnects cleanly; a peer publishes two
 * QoS 1 messages; the device reconnects with Clean Session 0 and, without subscribing again,
 * must receive both.
 */
export default feature({
  protocol: "3.1.1",
  id: "queued-while-offline",
  spec: "3.1.2.4",
  claim: "QoS 1 messages published while a Clean Session 0 device is offline are delivered when it reconnects (MQTT-3.1.2-5, MQTT-3.1.2-4)",
  client: { clean: false, clean_init: false },
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const topic = `${topics.base}/inbox`;
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, topic, 1, "the device subscribes at QoS 1");
    await must(ctx, device.disconnect(), bounds.deliveryMs, "the device disconnects cleanly");
    const pub = await peer("pub");
    await pub.publish(topic, "while-away-1", { qos: 1 });
    await pub.publish(topic, "while-away-2", { qos: 1 });
    await must(ctx, device.start(), bounds.connectMs, "the device connects again with Clean Session 0");
    await device.received({ topic, payload: "while-away-2" }, { within: bounds.deliveryMs, what: "the queued messages reach the device" });
  },
  checks: ({ topics }) => [
    connackReceived({ nth: 2, sessionPresent: true }),
    delivered({ name: "firstQueued", to: "device", topic: `${topics.base}/inbox`, payload: "while-away-1" }),
    delivered({ name: "secondQueued", to: "device", topic: `${topics.base}/inbox`, payload: "while-away-2" }),
  ],
});
