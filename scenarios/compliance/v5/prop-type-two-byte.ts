import { connackAgrees } from "../../../src/checks/connackAgrees.ts";
import { onWire } from "../../../src/checks/onWire.ts";
import { delivered } from "../../../src/checks/delivered.ts";
import { feature } from "../feature.ts";

export default feature({
  protocol: "5",
  id: "prop-type-two-byte",
  spec: "2.2.2.2",
  claim: "a Two Byte Integer property is read exactly: the device's Topic Alias Maximum from CONNACK equals what an independent peer reads, and a Topic Alias it sends is resolved by the broker",
  requires: ["topic-alias-outgoing"],
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const t = `${topics.base}/two/byte`;
    await device.up({ within: bounds.connectMs });
    const ref = await peer("ref");
    await ref.subscribe(t, { qos: 1 });
    // The highest alias the broker allows, as the peer read it: a byte-order slip on either
    // side turns it into a number the broker refuses.
    const max = Number(ref.connack.props?.topicAliasMaximum ?? 0);
    if (max < 1) return; // no aliases on this broker: connackAgrees says so
    await ctx.answered(device.publish(t, "alias-set", { qos: 1, props: { topicAlias: max } }), { within: bounds.connectMs, what: `client publishes with Topic Alias ${max}` });
    await device.publish("", "alias-used", { qos: 1, props: { topicAlias: max } });
    await ref.received({ topic: t, payload: "alias-used" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    connackAgrees({ like: "peer:ref", props: ["topicAliasMaximum"], guarantee: "MQTT 5 §2.2.2.2 Two Byte Integer, §3.2.2.3.8: the device reads the CONNACK's Topic Alias Maximum as the peer does" }),
    onWire({ dir: "up", cmd: "publish", where: { topic: "", payload: "alias-used" }, what: "the second publish goes by its Topic Alias alone", name: "aliasOnly" }),
    delivered({ to: "peer:ref", topic: `${topics.base}/two/byte`, payload: "alias-used", name: "aliasResolved", guarantee: "MQTT 5 §2.2.2.2, §3.3.2.3.4: the device's two-byte Topic Alias (the broker's maximum) is encoded so the broker resolves it" }),
  ],
});
