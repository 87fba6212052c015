import { delivered } from "../../../src/checks/delivered.ts";
import { feature } from "../feature.ts";

export default feature({
  protocol: "3.1.1",
  id: "retain-set",
  spec: "3.3.1.3",
  claim: "a retained message the device publishes is sent to a later subscriber with RETAIN set",
  requires: ["retain"],
  async run({ device, peer, topics, bounds }) {
    await device.up({ within: bounds.connectMs });
    const ack = await device.publish(`${topics.base}/state`, "on", { qos: 1, retain: true });
    if (!ack.ok) return;
    const late = await peer("late");
    await late.subscribe(`${topics.base}/state`, { qos: 1 });
    await late.received({ topic: `${topics.base}/state` }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [delivered({ to: "peer:late", topic: `${topics.base}/state`, payload: "on", retain: true })],
});
