import { subscriptionIdsCover } from "../../../src/checks/subscriptionIdsCover.ts";
import { feature } from "../feature.ts";
import { mustOk } from "./_steps.ts";

export default feature({
  protocol: "5",
  id: "subscription-identifiers-overlap",
  spec: "3.3.4",
  claim: "a message matching two of the device's subscriptions reaches the application with both Subscription Identifiers (one copy with both, or one copy each)",
  requires: ["subscription-identifiers"],
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    await device.up({ within: bounds.connectMs });
    mustOk(ctx, await device.subscribe(`${topics.base}/ov/#`, 1, { props: { subscriptionIdentifier: 1 } }), "client subscribes …/ov/# with identifier 1");
    mustOk(ctx, await device.subscribe(`${topics.base}/ov/+`, 1, { props: { subscriptionIdentifier: 2 } }), "client subscribes …/ov/+ with identifier 2");
    const pub = await peer("pub");
    await pub.publish(`${topics.base}/ov/x`, "both", { qos: 1 });
    await device.received({ topic: `${topics.base}/ov/x`, payload: "both" }, { within: bounds.deliveryMs });
    // A second copy, if the broker sends one per subscription, follows at once; the sentinel
    // (to the first subscription only) is published after both were queued.
    await pub.publish(`${topics.base}/ov/x/y`, "sentinel", { qos: 1 });
    await device.received({ topic: `${topics.base}/ov/x/y`, payload: "sentinel" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [subscriptionIdsCover({ to: "device", topic: `${topics.base}/ov/x`, payload: "both", ids: [1, 2] })],
});
