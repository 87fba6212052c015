import { delivered } from "../../../src/checks/delivered.ts";
import { onWire } from "../../../src/checks/onWire.ts";
import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { feature } from "../feature.ts";
import { mustOk } from "./_steps.ts";

export default feature({
  protocol: "5",
  id: "retain-handling-2",
  spec: "3.8.3.1",
  claim: "with Retain Handling 2 no retained message is sent at subscribe; live messages still are",
  requires: ["subscription-options"],
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const t = `${topics.base}/state`;
    await device.up({ within: bounds.connectMs });
    const pub = await peer("pub");
    await pub.publish(t, "stored", { qos: 1, retain: true });
    mustOk(ctx, await device.subscribe(t, 1, { options: { rh: 2 } }), "client subscribes (Retain Handling 2)");
    // The sentinel, after the SUBACK: a retained copy, had the broker sent one, comes first.
    await pub.publish(t, "live", { qos: 1 });
    await device.received({ topic: t, payload: "live" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    onWire({ dir: "up", cmd: "subscribe", where: { subscriptions: [{ topic: `${topics.base}/state`, ...{ qos: 1, nl: false, rap: false, rh: 2 } }] }, what: "SUBSCRIBE carries the option (Retain Handling 2)", name: "optionOnWire" }),
    notDelivered({ to: "device", topic: `${topics.base}/state`, payload: "stored", guarantee: "MQTT 5 §3.8.3.1 (MQTT-3.3.1-11): Retain Handling 2 sends no retained message at subscribe" }),
    delivered({ to: "device", topic: `${topics.base}/state`, payload: "live" }),
  ],
});
