import { delivered } from "../../../src/checks/delivered.ts";
import { onWire } from "../../../src/checks/onWire.ts";
import { feature } from "../feature.ts";
import { mustOk } from "./_steps.ts";

/** The largest Variable Byte Integer, four bytes on the wire (§1.5.5). */
const ID = 268_435_455;

export default feature({
  protocol: "5",
  id: "prop-type-varint",
  spec: "2.2.2.2",
  claim: "a Variable Byte Integer property at its maximum (Subscription Identifier 268435455) is encoded by the device and decoded back exactly",
  requires: ["subscription-identifiers"],
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const t = `${topics.base}/varint`;
    await device.up({ within: bounds.connectMs });
    mustOk(ctx, await device.subscribe(t, 1, { props: { subscriptionIdentifier: ID } }), `client subscribes with Subscription Identifier ${ID}`);
    const pub = await peer("pub");
    await pub.publish(t, "vbi", { qos: 1 });
    await device.received({ topic: t, payload: "vbi" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    onWire({ dir: "up", cmd: "subscribe", where: { props: { subscriptionIdentifier: ID } }, what: `SUBSCRIBE carries Subscription Identifier ${ID}`, name: "encoded" }),
    delivered({ to: "device", topic: `${topics.base}/varint`, payload: "vbi", props: { subscriptionIdentifier: ID }, guarantee: "MQTT 5 §1.5.5, §2.2.2.2 Variable Byte Integer, §3.8.2.1.2: the four-byte maximum survives the device's encoding and decoding" }),
  ],
});
