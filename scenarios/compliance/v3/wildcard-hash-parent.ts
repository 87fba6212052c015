import { delivered } from "../../../src/checks/delivered.ts";
import { feature } from "../feature.ts";
import { subscribeGranted } from "./_support.ts";

/**
 * `#` also matches its parent level (§4.7.1.2: "sport/tennis/player1/#" receives messages
 * published to "sport/tennis/player1"). The device subscribes to `<base>/p/#`; a peer
 * publishes to `<base>/p` itself.
 */
export default feature({
  protocol: "3.1.1",
  id: "wildcard-hash-parent",
  spec: "4.7.1.2",
  claim: "`a/#` matches the parent topic `a` (§4.7.1.2)",
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, `${topics.base}/p/#`, 1, "the device subscribes to a `#` filter");
    const pub = await peer("pub");
    await pub.publish(`${topics.base}/p`, "parent", { qos: 1 });
    await device.received({ topic: `${topics.base}/p` }, { within: bounds.deliveryMs, what: "the device receives the parent's message" });
  },
  checks: ({ topics }) => [delivered({ to: "device", topic: `${topics.base}/p`, payload: "parent", count: 1 })],
});
