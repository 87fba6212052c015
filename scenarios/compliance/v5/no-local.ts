import { delivered } from "../../../src/checks/delivered.ts";
import { onWire } from "../../../src/checks/onWire.ts";
import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { feature } from "../feature.ts";
import { mustOk } from "./_steps.ts";

export default feature({
  protocol: "5",
  id: "no-local",
  spec: "3.8.3.1",
  claim: "with No Local set, the device does not get its own publishes back, but still gets everyone else's",
  requires: ["subscription-options"],
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const t = `${topics.base}/chat`;
    await device.up({ within: bounds.connectMs });
    mustOk(ctx, await device.subscribe(t, 1, { options: { nl: true } }), `client subscribes ${t} with No Local`);
    mustOk(ctx, await device.publish(t, "own", { qos: 1 }), "client publishes to its own subscription");
    // The sentinel from another client, after the broker acknowledged the device's own.
    const other = await peer("other");
    await other.publish(t, "other", { qos: 1 });
    await device.received({ topic: t, payload: "other" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    onWire({ dir: "up", cmd: "subscribe", where: { subscriptions: [{ topic: `${topics.base}/chat`, ...{ qos: 1, nl: true, rap: false, rh: 0 } }] }, what: "SUBSCRIBE carries the option (No Local)", name: "optionOnWire" }),
    notDelivered({ to: "device", topic: `${topics.base}/chat`, payload: "own", guarantee: "MQTT 5 §3.8.3.1 (MQTT-3.8.3-3): with No Local the broker does not forward a client's own publishes to it" }),
    delivered({ to: "device", topic: `${topics.base}/chat`, payload: "other" }),
  ],
});
