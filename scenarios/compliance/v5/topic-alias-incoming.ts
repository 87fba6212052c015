import { delivered } from "../../../src/checks/delivered.ts";
import { propertyWitnessed } from "../../../src/checks/propertyWitnessed.ts";
import { feature } from "../feature.ts";

const PAYLOADS = ["one", "two", "three"];

export default feature({
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
