import { delivered } from "../../../src/checks/delivered.ts";
import { feature } from "../feature.ts";

const props = { userProperties: { station: "north-7" } };

export default feature({
  protocol: "5",
  id: "user-property-one",
  spec: "3.3.2.3.7",
  claim: "a User Property the device publishes reaches a subscriber unchanged",
  requires: ["qos1-user-properties"],
  async run({ device, peer, topics, bounds }) {
    await device.up({ within: bounds.connectMs });
    const sub = await peer("sub");
    await sub.subscribe(`${topics.base}/prop`, { qos: 1 });
    await device.publish(`${topics.base}/prop`, "t=21.5", { qos: 1, props });
    await sub.received({ topic: `${topics.base}/prop` }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [delivered({ to: "peer:sub", topic: `${topics.base}/prop`, payload: "t=21.5", qos: 1, props })],
});
