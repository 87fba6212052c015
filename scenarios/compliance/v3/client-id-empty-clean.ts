import { delivered } from "../../../src/checks/delivered.ts";
import { feature } from "../feature.ts";
import { must, subscribeGranted } from "./_support.ts";

/**
 * A zero-byte client id with Clean Session 1 is allowed: the broker assigns the client a
 * unique id and treats the connection as if it had sent it [MQTT-3.1.3-6]. The device connects
 * with client id "" (the broker's CONNACK cannot be matched to an id the lab does not know, so
 * the proof is that the connection works both ways): it subscribes and receives a peer's
 * message, and publishes to the peer.
 */
export default feature({
  protocol: "3.1.1",
  id: "client-id-empty-clean",
  spec: "3.1.3.1",
  claim: "a zero-byte client id with Clean Session 1 is accepted and the connection works (MQTT-3.1.3-6)",
  client: { client_id: "", clean: true },
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, `${topics.base}/to-device`, 1, "the device subscribes");
    const other = await peer("other");
    await other.subscribe(`${topics.base}/from-device`, { qos: 1 });
    await other.publish(`${topics.base}/to-device`, "hello-anonymous", { qos: 1 });
    await device.received({ topic: `${topics.base}/to-device` }, { within: bounds.deliveryMs, what: "the device receives" });
    await must(ctx, device.publish(`${topics.base}/from-device`, "from-anonymous", { qos: 1 }), bounds.deliveryMs, "the device publishes");
    await other.received({ topic: `${topics.base}/from-device` }, { within: bounds.deliveryMs, what: "the peer receives" });
  },
  checks: ({ topics }) => [
    delivered({ name: "toDevice", to: "device", topic: `${topics.base}/to-device`, payload: "hello-anonymous" }),
    delivered({ name: "fromDevice", to: "peer:other", topic: `${topics.base}/from-device`, payload: "from-anonymous" }),
  ],
});
