import { delivered } from "../../../src/checks/delivered.ts";
import { feature } from "../feature.ts";
import { mustOk } from "./_steps.ts";

export default feature({
  protocol: "5",
  id: "retain-handling-0",
  spec: "3.8.3.1",
  claim: "with Retain Handling 0 the retained message is sent at every subscribe, a repeated one included",
  // Retain Handling 0 is the default: a client that cannot set subscription options sends it too.
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const t = `${topics.base}/state`;
    await device.up({ within: bounds.connectMs });
    const pub = await peer("pub");
    await pub.publish(t, "stored", { qos: 1, retain: true });
    mustOk(ctx, await device.subscribe(t, 1, { options: { rh: 0 } }), "client subscribes (Retain Handling 0)");
    await device.received({ topic: t, payload: "stored" }, { within: bounds.deliveryMs });
    mustOk(ctx, await device.subscribe(t, 1, { options: { rh: 0 } }), "client subscribes again (Retain Handling 0)");
    // The sentinel, after the second SUBACK: the retained copy it owes comes first.
    await pub.publish(t, "live", { qos: 1 });
    await device.received({ topic: t, payload: "live" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    delivered({ to: "device", topic: `${topics.base}/state`, payload: "stored", retain: true, count: 2, guarantee: "MQTT 5 §3.8.3.1, §3.3.1.3 (MQTT-3.3.1-9): Retain Handling 0 sends the retained message at each subscribe, with RETAIN set" }),
    delivered({ to: "device", topic: `${topics.base}/state`, payload: "live" }),
  ],
});
