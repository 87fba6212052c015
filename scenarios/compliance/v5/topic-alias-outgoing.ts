import { delivered } from "../../../src/checks/delivered.ts";
import { onWire } from "../../../src/checks/onWire.ts";
import { opAnswered } from "../../../src/checks/opAnswered.ts";
import { feature } from "../feature.ts";

export default feature({
  protocol: "5",
  id: "topic-alias-outgoing",
  spec: "3.3.2.3.4",
  claim: "a device publish that sets a Topic Alias, and a later one by the alias alone, reach a subscriber on the full topic",
  requires: ["topic-alias-outgoing"],
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const t = `${topics.base}/aliased/long/topic/name`;
    await device.up({ within: bounds.connectMs });
    const sub = await peer("sub");
    await sub.subscribe(t, { qos: 1 });
    // Alias 1 is within any Topic Alias Maximum the broker may announce (≥ 1 to allow aliases).
    await ctx.answered(device.publish(t, "first", { qos: 1, props: { topicAlias: 1 } }), { within: bounds.connectMs, what: "client publishes with Topic Alias 1" });
    await device.publish("", "second", { qos: 1, props: { topicAlias: 1 } });
    await sub.received({ topic: t, payload: "second" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => {
    const t = `${topics.base}/aliased/long/topic/name`;
    return [
      delivered({ to: "peer:sub", topic: t, payload: "first", absent: ["topicAlias"] }),
      opAnswered({ op: "publish", topic: "", ok: true, guarantee: "MQTT 5 §3.3.2.3.4: a PUBLISH with an empty topic and a known alias is accepted" }),
      onWire({ dir: "up", cmd: "publish", where: { topic: "", payload: "second", props: { topicAlias: 1 } }, what: "the second publish carries Topic Alias 1 and an empty topic (the alias alone)", name: "aliasOnly" }),
      delivered({ to: "peer:sub", topic: t, payload: "second", absent: ["topicAlias"], guarantee: "MQTT 5 §3.3.2.3.4: the broker maps the alias back to the full topic for subscribers (an alias never crosses to another connection)" }),
    ];
  },
});
