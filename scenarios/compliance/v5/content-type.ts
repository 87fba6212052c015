import { delivered } from "../../../src/checks/delivered.ts";
import { feature } from "../feature.ts";
import { mustOk } from "./_steps.ts";

const props = { contentType: "application/json; charset=utf-8" };
const PAYLOAD = '{"t":21.5}';

export default feature({
  protocol: "5",
  id: "content-type",
  spec: "3.3.2.3.9",
  claim: "a Content Type travels device → subscriber and subscriber → device unchanged",
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    await device.up({ within: bounds.connectMs });
    const p = await peer("peer");
    await p.subscribe(`${topics.base}/up`, { qos: 1 });
    mustOk(ctx, await device.subscribe(`${topics.base}/down`, 1), "client subscribes");
    await device.publish(`${topics.base}/up`, PAYLOAD, { qos: 1, props });
    await p.publish(`${topics.base}/down`, PAYLOAD, { qos: 1, props });
    await p.received({ topic: `${topics.base}/up` }, { within: bounds.deliveryMs });
    await device.received({ topic: `${topics.base}/down` }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    delivered({ to: "peer:peer", topic: `${topics.base}/up`, payload: PAYLOAD, props, name: "deviceSends", guarantee: "MQTT 5 §3.3.2.3.9 (MQTT-3.3.2-20): the broker passes the device's Content Type on unaltered" }),
    delivered({ to: "device", topic: `${topics.base}/down`, payload: PAYLOAD, props, name: "deviceReceives", guarantee: "MQTT 5 §3.3.2.3.9: the device hands the application the Content Type it received" }),
  ],
});
