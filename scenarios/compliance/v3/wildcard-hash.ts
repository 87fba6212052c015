import { delivered } from "../../../src/checks/delivered.ts";
import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { feature } from "../feature.ts";
import { subscribeGranted } from "./_support.ts";

/**
 * The multi-level wildcard `#` matches any number of levels below its parent (§4.7.1.2). The
 * device subscribes to `<base>/h/#`; a peer publishes one, two and three levels below (matched)
 * and to a sibling that only shares the prefix's characters, `<base>/hx` (not matched: levels,
 * not characters), then a matching sentinel — one publisher's messages are routed in order.
 */
export default feature({
  protocol: "3.1.1",
  id: "wildcard-hash",
  spec: "4.7.1.2",
  claim: "a `#` subscription matches every level below its parent and nothing beside it (§4.7.1.2)",
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const b = topics.base;
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, `${b}/h/#`, 1, "the device subscribes to a `#` filter");
    const pub = await peer("pub");
    await pub.publish(`${b}/h/a`, "one", { qos: 1 });
    await pub.publish(`${b}/h/a/b`, "two", { qos: 1 });
    await pub.publish(`${b}/h/a/b/c`, "three", { qos: 1 });
    await pub.publish(`${b}/hx`, "sibling", { qos: 1 });
    await pub.publish(`${b}/h/z`, "sentinel", { qos: 1 });
    await device.received({ topic: `${b}/h/z`, payload: "sentinel" }, { within: bounds.deliveryMs, what: "the device receives the sentinel" });
  },
  checks: ({ topics }) => [
    delivered({ name: "oneLevel", to: "device", topic: `${topics.base}/h/a`, payload: "one", count: 1 }),
    delivered({ name: "twoLevels", to: "device", topic: `${topics.base}/h/a/b`, payload: "two", count: 1 }),
    delivered({ name: "threeLevels", to: "device", topic: `${topics.base}/h/a/b/c`, payload: "three", count: 1 }),
    notDelivered({ name: "notSibling", to: "device", topic: `${topics.base}/hx` }),
  ],
});
