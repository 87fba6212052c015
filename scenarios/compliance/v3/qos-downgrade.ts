import { brokerSent } from "../../../src/checks/brokerSent.ts";
import { delivered } from "../../../src/checks/delivered.ts";
import { feature } from "../feature.ts";
import { must, subscribeGranted } from "./_support.ts";

/**
 * A message goes out at the lower of its publish QoS and the subscription's QoS
 * [MQTT-3.8.4-6]. Both directions: the device subscribes at QoS 0 and a peer publishes at
 * QoS 1 — the broker must send it to the device at QoS 0 (the broker's log), and the client
 * must take a QoS 0 PUBLISH without answering it; the device publishes at QoS 1 to a peer
 * subscribed at QoS 0 — the peer gets it at QoS 0.
 */
export default feature({
  protocol: "3.1.1",
  id: "qos-downgrade",
  spec: "3.8.4",
  claim: "a message is delivered at the minimum of its QoS and the subscription's QoS (MQTT-3.8.4-6)",
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const down = `${topics.base}/to-device`;
    const up = `${topics.base}/from-device`;
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, down, 0, "the device subscribes at QoS 0");
    const other = await peer("other");
    await other.subscribe(up, { qos: 0 });
    await other.publish(down, "downgraded-to-device", { qos: 1 });
    await device.received({ topic: down }, { within: bounds.deliveryMs, what: "the device receives the QoS 1 message" });
    await must(ctx, device.publish(up, "downgraded-to-peer", { qos: 1 }), bounds.deliveryMs, "the device publishes at QoS 1");
    await other.received({ topic: up }, { within: bounds.deliveryMs, what: "the QoS 0 subscriber receives the device's message" });
  },
  checks: ({ topics }) => [
    delivered({ name: "deviceReceives", to: "device", topic: `${topics.base}/to-device`, payload: "downgraded-to-device", count: 1 }),
    brokerSent({ topic: `${topics.base}/to-device`, qos: 0, count: 1 }),
    delivered({ name: "peerReceives", to: "peer:other", topic: `${topics.base}/from-device`, payload: "downgraded-to-peer", qos: 0, count: 1 }),
  ],
});
