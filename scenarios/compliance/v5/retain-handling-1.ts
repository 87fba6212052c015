import { delivered } from "../../../src/checks/delivered.ts";
import { onWire } from "../../../src/checks/onWire.ts";
import { feature } from "../feature.ts";
import { mustOk } from "./_steps.ts";

export default feature({
  protocol: "5",
  id: "retain-handling-1",
  spec: "3.8.3.1",
  claim: "with Retain Handling 1 the retained message is sent for a new subscription only, not when the same subscription is repeated",
  requires: ["subscription-options"],
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const t = `${topics.base}/state`;
    await device.up({ within: bounds.connectMs });
    const pub = await peer("pub");
    await pub.publish(t, "stored", { qos: 1, retain: true });
    mustOk(ctx, await device.subscribe(t, 1, { options: { rh: 1 } }), "client subscribes (Retain Handling 1)");
    await device.received({ topic: t, payload: "stored" }, { within: bounds.deliveryMs });
    mustOk(ctx, await device.subscribe(t, 1, { options: { rh: 1 } }), "client repeats the subscription (Retain Handling 1)");
    // The sentinel, after the second SUBACK: a retained copy, if the broker owed one, comes first.
    await pub.publish(t, "live", { qos: 1 });
    await device.received({ topic: t, payload: "live" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    onWire({ dir: "up", cmd: "subscribe", where: { subscriptions: [{ topic: `${topics.base}/state`, ...{ qos: 1, nl: false, rap: false, rh: 1 } }] }, what: "SUBSCRIBE carries the option (Retain Handling 1)", name: "optionOnWire" }),
    delivered({ to: "device", topic: `${topics.base}/state`, payload: "stored", retain: true, count: 1, guarantee: "MQTT 5 §3.8.3.1 (MQTT-3.3.1-10): Retain Handling 1 sends the retained message only if the subscription did not exist" }),
    delivered({ to: "device", topic: `${topics.base}/state`, payload: "live" }),
  ],
});
