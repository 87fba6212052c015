import { delivered } from "../../../src/checks/delivered.ts";
import { onWire } from "../../../src/checks/onWire.ts";
import { feature } from "../feature.ts";
import { mustOk } from "./_steps.ts";

const ID = 42;

export default feature({
  protocol: "5",
  id: "subscription-identifier",
  spec: "3.8.2.1.2",
  claim: "a message matching a subscription the device made with a Subscription Identifier carries that identifier to the application",
  requires: ["subscription-identifiers"],
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const t = `${topics.base}/sid`;
    await device.up({ within: bounds.connectMs });
    mustOk(ctx, await device.subscribe(t, 1, { props: { subscriptionIdentifier: ID } }), `client subscribes ${t} with identifier ${ID}`);
    const pub = await peer("pub");
    await pub.publish(t, "tagged", { qos: 1 });
    await device.received({ topic: t, payload: "tagged" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    onWire({ dir: "up", cmd: "subscribe", where: { props: { subscriptionIdentifier: ID } }, what: `SUBSCRIBE carries Subscription Identifier ${ID}`, name: "encoded" }),
    delivered({ to: "device", topic: `${topics.base}/sid`, payload: "tagged", props: { subscriptionIdentifier: ID }, guarantee: "MQTT 5 §3.3.4 (MQTT-3.3.4-3): the PUBLISH carries the matching subscription's identifier; the client passes it on" }),
  ],
});
