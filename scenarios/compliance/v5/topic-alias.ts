// MQTT 5 Topic Aliases (§3.3.2.3.4), each way, and the Two Byte Integer property type they are
// written in: one cell each.
import { connackAgrees } from "../../../src/checks/connackAgrees.ts";
import { delivered } from "../../../src/checks/delivered.ts";
import { onWire } from "../../../src/checks/onWire.ts";
import { opAnswered } from "../../../src/checks/opAnswered.ts";
import { propertyWitnessed } from "../../../src/checks/propertyWitnessed.ts";
import type { ScenarioContext } from "../../../src/scenario/dsl.ts";
import { feature } from "../feature.ts";

/**
 * The device publishes `first` on `topic` setting Topic Alias `alias`, then `second` by the
 * alias alone (an empty topic): the second's answer is left to the checks.
 */
async function byAlias(ctx: ScenarioContext, topic: string, alias: number, first: string, second: string): Promise<void> {
  await ctx.answered(ctx.device.publish(topic, first, { qos: 1, props: { topicAlias: alias } }), { within: ctx.bounds.connectMs, what: `client publishes with Topic Alias ${alias}` });
  await ctx.device.publish("", second, { qos: 1, props: { topicAlias: alias } });
}

const outgoing = feature({
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
    await byAlias(ctx, t, 1, "first", "second");
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

const twoByte = feature({
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
    await byAlias(ctx, t, max, "alias-set", "alias-used");
    await ref.received({ topic: t, payload: "alias-used" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    connackAgrees({ like: "peer:ref", props: ["topicAliasMaximum"], guarantee: "MQTT 5 §2.2.2.2 Two Byte Integer, §3.2.2.3.8: the device reads the CONNACK's Topic Alias Maximum as the peer does" }),
    onWire({ dir: "up", cmd: "publish", where: { topic: "", payload: "alias-used" }, what: "the second publish goes by its Topic Alias alone", name: "aliasOnly" }),
    delivered({ to: "peer:ref", topic: `${topics.base}/two/byte`, payload: "alias-used", name: "aliasResolved", guarantee: "MQTT 5 §2.2.2.2, §3.3.2.3.4: the device's two-byte Topic Alias (the broker's maximum) is encoded so the broker resolves it" }),
  ],
});

const PAYLOADS = ["one", "two", "three"];

const incoming = feature({
  protocol: "5",
  id: "topic-alias-incoming",
  spec: "3.3.2.3.4",
  claim: "a device that allows Topic Aliases (Topic Alias Maximum in CONNECT) gets every message on its full topic when the broker sends aliases",
  requires: ["topic-alias-incoming"],
  client: { connect_props: { topicAliasMaximum: 10 } },
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const t = `${topics.base}/incoming/alias/topic`;
    await device.up({ within: bounds.connectMs });
    await ctx.answered(device.subscribe(t, 1), { within: bounds.connectMs, what: `client subscribes ${t}` });
    // A witness that allows aliases too: whether the broker sends any at all.
    const witness = await peer("witness", { props: { topicAliasMaximum: 10 } });
    await witness.subscribe(t, { qos: 1 });
    const pub = await peer("pub");
    for (const p of PAYLOADS) await pub.publish(t, p, { qos: 1 });
    await device.received({ topic: t, payload: PAYLOADS.at(-1)! }, { within: bounds.deliveryMs });
    await witness.received({ topic: t, payload: PAYLOADS.at(-1)! }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => {
    const t = `${topics.base}/incoming/alias/topic`;
    return [
      ...PAYLOADS.map((p) => delivered({ to: "device", topic: t, payload: p, name: `delivered ${p}` })),
      propertyWitnessed({ by: "peer:witness", topic: t, prop: "topicAlias", why: "this broker sends no Topic Alias to clients that allow them, so the device's alias handling was not exercised" }),
    ];
  },
});

export default [outgoing, twoByte, incoming];
