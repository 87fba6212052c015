// Topic filters with wildcards (§4.7), the same in both protocols. No default export:
// v3/wildcards.ts and v5/wildcards.ts take the cells.
import { delivered } from "../../../src/checks/delivered.ts";
import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { BOTH, feature } from "../feature.ts";
import { subscribeGranted } from "../steps.ts";
import { isPeer } from "../../../src/timeline/is.ts";

/**
 * The device subscribes to `filter`; one peer publishes `sent` in order, the last a sentinel
 * the device waits for: the broker routes one publisher's messages in order, so once the
 * sentinel arrived the others were decided. Each message with a check must be delivered once,
 * or never (matched by levels, not characters).
 */
interface Matching {
  id: string;
  spec: string;
  claim: string;
  filter: string;
  sent: { topic: string; payload: string; check?: { delivered: boolean; name?: string } }[];
  /** How the wait for the last message words it, and whether it waits for its payload too. */
  last: { what: string; exact: boolean };
}

const MATCHING: Matching[] = [
  {
    // `#` matches any number of levels below its parent; a sibling that only shares the
    // prefix's characters, `<base>/hx`, is not matched.
    id: "wildcard-hash",
    spec: "4.7.1.2",
    claim: "a `#` subscription matches every level below its parent and nothing beside it (§4.7.1.2)",
    filter: "h/#",
    sent: [
      { topic: "h/a", payload: "one", check: { delivered: true, name: "oneLevel" } },
      { topic: "h/a/b", payload: "two", check: { delivered: true, name: "twoLevels" } },
      { topic: "h/a/b/c", payload: "three", check: { delivered: true, name: "threeLevels" } },
      { topic: "hx", payload: "sibling", check: { delivered: false, name: "notSibling" } },
      { topic: "h/z", payload: "sentinel" },
    ],
    last: { what: "the device receives the sentinel", exact: true },
  },
  {
    // `#` also matches its parent level (§4.7.1.2: "sport/tennis/player1/#" receives messages
    // published to "sport/tennis/player1").
    id: "wildcard-hash-parent",
    spec: "4.7.1.2",
    claim: "`a/#` matches the parent topic `a` (§4.7.1.2)",
    filter: "p/#",
    sent: [{ topic: "p", payload: "parent", check: { delivered: true } }],
    last: { what: "the device receives the parent's message", exact: false },
  },
  {
    // `+` matches exactly one topic level, an empty one included (§4.7.1.3: "sport/+" does not
    // match "sport" but does match "sport/"): one-level topics are matched, the empty level
    // too; a two-level and a zero-level one are not.
    id: "wildcard-plus",
    spec: "4.7.1.3",
    claim: "a `+` subscription matches exactly one topic level, an empty level included (§4.7.1.3)",
    filter: "+/temp",
    sent: [
      { topic: "kitchen/temp", payload: "one-level", check: { delivered: true, name: "oneLevel" } },
      { topic: "/temp", payload: "empty-level", check: { delivered: true, name: "emptyLevel" } },
      { topic: "kitchen/oven/temp", payload: "two-levels", check: { delivered: false, name: "notTwoLevels" } },
      { topic: "temp", payload: "no-level", check: { delivered: false, name: "notZeroLevels" } },
      { topic: "hall/temp", payload: "sentinel", check: { delivered: true, name: "sentinel" } },
    ],
    last: { what: "the device receives the sentinel", exact: true },
  },
];

const matching = MATCHING.flatMap((m) =>
  feature({
    protocols: BOTH,
    id: m.id,
    spec: m.spec,
    claim: m.claim,
    async run(ctx) {
      const { device, peer, topics, bounds } = ctx;
      const b = topics.base;
      await device.up({ within: bounds.connectMs });
      await subscribeGranted(ctx, `${b}/${m.filter}`, 1, `the device subscribes to a \`${m.filter.includes("#") ? "#" : "+"}\` filter`);
      const pub = await peer("pub");
      for (const s of m.sent) await pub.publish(`${b}/${s.topic}`, s.payload, { qos: 1 });
      const last = m.sent.at(-1)!;
      await device.received({ topic: `${b}/${last.topic}`, ...(m.last.exact ? { payload: last.payload } : {}) }, { within: bounds.deliveryMs, what: m.last.what });
    },
    checks: ({ topics }) =>
      m.sent.flatMap(({ topic, payload, check }) => {
        if (!check) return [];
        const named = check.name ? { name: check.name } : {};
        return check.delivered
          ? [delivered({ ...named, to: "device", topic: `${topics.base}/${topic}`, payload, count: 1 })]
          : [notDelivered({ ...named, to: "device", topic: `${topics.base}/${topic}` })];
      }),
  }),
);

/**
 * mosquitto's $SYS interval (sys_interval, default 10 s): how often it publishes its $SYS
 * topics. A broker that publishes them less often would need a longer bound.
 */
const SYS_INTERVAL_MS = 10_000;

/**
 * A filter that starts with a wildcard never matches a topic that starts with `$`
 * [MQTT-4.7.2-1]. The device subscribes to `#`; a peer subscribes to `$SYS/#` and must see
 * the broker publish there — a live (RETAIN 0) `$SYS/broker/uptime` update, which the broker
 * sent to every matching subscription after the device's `#` existed (retained copies sent at
 * subscribe time would prove nothing). Then a peer's message on the run's own topics reaches
 * the device: `#` works, and the device's receipts hold no `$SYS` topic.
 */
const sysNotMatched = feature({
  protocols: BOTH,
  id: "sys-not-matched",
  spec: "4.7.2",
  requires: ["sys-topics"],
  claim: "a `#` subscription does not receive `$SYS` topics the broker publishes (MQTT-4.7.2-1)",
  timeoutMs: 90_000,
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, "#", 0, "the device subscribes to `#`");
    const sys = await peer("sys");
    await sys.subscribe("$SYS/#", { qos: 0 });
    await ctx.seen((e) => isPeer(e, "recv") && e.peer === "sys" && e.topic === "$SYS/broker/uptime" && e.retain === false, {
      within: SYS_INTERVAL_MS + bounds.deliveryMs,
      what: "the broker publishes a live $SYS/broker/uptime (its $SYS interval plus one exchange)",
    });
    await sys.publish(`${topics.base}/after-sys`, "sentinel", { qos: 1 });
    await device.received({ topic: `${topics.base}/after-sys`, payload: "sentinel" }, { within: bounds.deliveryMs, what: "`#` delivers the run's own topic" });
  },
  checks: ({ topics }) => [
    delivered({ name: "sysPublished", to: "peer:sys", topic: "$SYS/broker/uptime", retain: false, guarantee: "the broker does publish $SYS topics (a live update reached $SYS/#)" }),
    notDelivered({ name: "noSysThroughHash", to: "device", topic: "$", topicPrefix: true, guarantee: "`#` matches no topic beginning with $ (MQTT-4.7.2-1)" }),
    delivered({ name: "hashWorks", to: "device", topic: `${topics.base}/after-sys`, payload: "sentinel" }),
  ],
});

export const wildcards = [...matching, ...sysNotMatched];
