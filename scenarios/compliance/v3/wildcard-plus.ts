import { delivered } from "../../../src/checks/delivered.ts";
import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { feature } from "../feature.ts";
import { subscribeGranted } from "./_support.ts";

/**
 * The single-level wildcard `+` matches exactly one topic level, an empty one included
 * (§4.7.1.3: "sport/+" does not match "sport" but does match "sport/"). The device subscribes to
 * `<base>/+/temp`; a peer publishes to one-level topics (matched, the empty level too) and to a
 * two-level and a zero-level one (not matched), then a last matching sentinel: the broker
 * routes one publisher's messages in order, so once the sentinel arrived the others were
 * decided.
 */
export default feature({
  protocol: "3.1.1",
  id: "wildcard-plus",
  spec: "4.7.1.3",
  claim: "a `+` subscription matches exactly one topic level, an empty level included (§4.7.1.3)",
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const b = topics.base;
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, `${b}/+/temp`, 1, "the device subscribes to a `+` filter");
    const pub = await peer("pub");
    await pub.publish(`${b}/kitchen/temp`, "one-level", { qos: 1 });
    await pub.publish(`${b}//temp`, "empty-level", { qos: 1 });
    await pub.publish(`${b}/kitchen/oven/temp`, "two-levels", { qos: 1 });
    await pub.publish(`${b}/temp`, "no-level", { qos: 1 });
    await pub.publish(`${b}/hall/temp`, "sentinel", { qos: 1 });
    await device.received({ topic: `${b}/hall/temp`, payload: "sentinel" }, { within: bounds.deliveryMs, what: "the device receives the sentinel" });
  },
  checks: ({ topics }) => [
    delivered({ name: "oneLevel", to: "device", topic: `${topics.base}/kitchen/temp`, payload: "one-level", count: 1 }),
    delivered({ name: "emptyLevel", to: "device", topic: `${topics.base}//temp`, payload: "empty-level", count: 1 }),
    notDelivered({ name: "notTwoLevels", to: "device", topic: `${topics.base}/kitchen/oven/temp` }),
    notDelivered({ name: "notZeroLevels", to: "device", topic: `${topics.base}/temp` }),
    delivered({ name: "sentinel", to: "device", topic: `${topics.base}/hall/temp`, payload: "sentinel", count: 1 }),
  ],
});
