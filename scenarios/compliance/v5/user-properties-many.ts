import { delivered } from "../../../src/checks/delivered.ts";
import { feature } from "../feature.ts";
import { mustOk } from "./_steps.ts";

/** Several pairs and a repeated name (its values in order): MQTT 5 allows both (§3.3.2.3.7). */
const props = { userProperties: { site: "north", rack: "7", tag: ["first", "second", "third"] } };

export default feature({
  protocol: "5",
  id: "user-properties-many",
  spec: "3.3.2.3.7",
  claim: "several User Properties, one name repeated, travel device → subscriber and subscriber → device unchanged and in order",
  requires: ["multiple-user-properties", "qos1-user-properties"],
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    await device.up({ within: bounds.connectMs });
    const p = await peer("peer");
    await p.subscribe(`${topics.base}/up`, { qos: 1 });
    mustOk(ctx, await device.subscribe(`${topics.base}/down`, 1), "client subscribes");
    await device.publish(`${topics.base}/up`, "from-device", { qos: 1, props });
    await p.publish(`${topics.base}/down`, "to-device", { qos: 1, props });
    await p.received({ topic: `${topics.base}/up` }, { within: bounds.deliveryMs });
    await device.received({ topic: `${topics.base}/down` }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    delivered({ to: "peer:peer", topic: `${topics.base}/up`, payload: "from-device", props, name: "deviceSends", guarantee: "MQTT 5 §3.3.2.3.7 (MQTT-3.3.2-17/18): every User Property the device sends reaches the subscriber, repeated names in order" }),
    delivered({ to: "device", topic: `${topics.base}/down`, payload: "to-device", props, name: "deviceReceives", guarantee: "MQTT 5 §3.3.2.3.7: the device hands the application every User Property it received, repeated names in order" }),
  ],
});
