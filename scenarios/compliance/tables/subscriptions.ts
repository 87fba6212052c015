// SUBSCRIBE and UNSUBSCRIBE (§3.8–§3.11): what both protocols keep, and MQTT 5's subscription
// options, identifiers and shared subscriptions. No default export: v3/subscriptions.ts and
// v5/subscriptions.ts take the cells.
import { delivered } from "../../../src/checks/delivered.ts";
import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { onWire } from "../../../src/checks/onWire.ts";
import { opAnswered } from "../../../src/checks/opAnswered.ts";
import { sharedOnce } from "../../../src/checks/sharedOnce.ts";
import { subscriptionIdsCover } from "../../../src/checks/subscriptionIdsCover.ts";
import { latency } from "../../../src/faults/latency.ts";
import type { ScenarioContext } from "../../../src/scenario/dsl.ts";
import { BOTH, citing, feature } from "../feature.ts";
import { firstOf, optionOnWire, subscribeGranted, unsubscribeGranted } from "../steps.ts";

/** One-way delay on the device's link (ms): a slow WAN path, so the order of events is never a matter of luck. */
const LINK_MS = 150;

/** Two topics the device subscribes to: one it will leave, and one whose sentinel closes the wait. */
async function subscribedToBoth(ctx: ScenarioContext): Promise<{ gone: string; kept: string }> {
  const gone = `${ctx.topics.base}/gone`;
  const kept = `${ctx.topics.base}/kept`;
  await ctx.device.up({ within: ctx.bounds.connectMs });
  await subscribeGranted(ctx, gone, 1, "the device subscribes");
  await subscribeGranted(ctx, kept, 1, "the device subscribes to the sentinel topic");
  return { gone, kept };
}

/**
 * A subscription exists once the broker granted it with its SUBACK (§3.8.4, §3.9); a client
 * that tells the application "subscribed" must mean that, or the application's next step — a
 * request whose answer comes on that topic — races the SUBSCRIBE. On a link with 150 ms each
 * way, the device subscribes; the moment the client answers, a peer publishes on the topic.
 * A client that waited for the SUBACK has a granted subscription by then and must receive the
 * message; one that answered on sending the SUBSCRIBE loses it (the broker gets the peer's
 * message first and routes it to nobody).
 */
const subscribeAcknowledged = feature({
  protocols: BOTH,
  id: "subscribe-acknowledged",
  spec: "3.9",
  claim: "the client reports a subscribe done only once the broker's SUBACK granted it: a message published right after is delivered (§3.8.4, §3.9)",
  async run(ctx) {
    const { device, peer, topics, bounds, targets, inject } = ctx;
    const topic = `${topics.base}/reply`;
    await device.up({ within: bounds.connectMs });
    const pub = await peer("pub");
    await inject(latency(targets, { latencyMs: LINK_MS, direction: "both" }));
    await ctx.answered(device.subscribe(topic, 1), { within: bounds.deliveryMs + 2 * LINK_MS, what: "the device subscribes" });
    await pub.publish(topic, "right-after", { qos: 1 });
    await device.received({ topic, payload: "right-after" }, { within: bounds.deliveryMs + 2 * LINK_MS, what: "the device receives the message published right after its subscribe was answered" });
  },
  checks: ({ topics }) => [
    opAnswered({ op: "subscribe", topic: `${topics.base}/reply`, ok: true }),
    delivered({ to: "device", topic: `${topics.base}/reply`, payload: "right-after", count: 1 }),
  ],
});

/**
 * The broker stops delivering on a filter once it has acknowledged the UNSUBSCRIBE (UNSUBACK,
 * MQTT-3.10.4-2, §3.11); a client that tells the application "unsubscribed" must mean that.
 * On a link with 150 ms each way, the device (subscribed to two topics) unsubscribes from one;
 * the moment the client answers, a peer publishes there and then, as a sentinel, on the topic
 * still subscribed. A client that waited for the UNSUBACK never gets the first message; one
 * that answered on sending the UNSUBSCRIBE does (the broker routed it before the UNSUBSCRIBE
 * arrived).
 */
const unsubscribeAcknowledged = feature({
  protocols: BOTH,
  id: "unsubscribe-acknowledged",
  spec: "3.11",
  claim: citing("the client reports an unsubscribe done only once the broker's UNSUBACK came: nothing published after it is delivered", "MQTT-3.10.4-2, §3.11", "§3.10.4, §3.11"),
  async run(ctx) {
    const { device, peer, bounds, targets, inject } = ctx;
    const { gone, kept } = await subscribedToBoth(ctx);
    const pub = await peer("pub");
    await inject(latency(targets, { latencyMs: LINK_MS, direction: "both" }));
    await ctx.answered(device.unsubscribe(gone), { within: bounds.deliveryMs + 2 * LINK_MS, what: "the device unsubscribes" });
    await pub.publish(gone, "right-after", { qos: 1 });
    await pub.publish(kept, "sentinel", { qos: 1 });
    await device.received({ topic: kept, payload: "sentinel" }, { within: bounds.deliveryMs + 2 * LINK_MS, what: "the device receives the sentinel" });
  },
  checks: ({ topics }) => [
    opAnswered({ op: "unsubscribe", topic: `${topics.base}/gone`, ok: true }),
    notDelivered({ to: "device", topic: `${topics.base}/gone`, payload: "right-after", guarantee: "nothing published after the client reported the unsubscribe is delivered" }),
    delivered({ to: "device", topic: `${topics.base}/kept`, payload: "sentinel", count: 1 }),
  ],
});

/**
 * UNSUBSCRIBE ends a subscription: once the broker has sent its UNSUBACK it adds no new
 * messages for it [MQTT-3.10.4-2]; the client's part is an UNSUBSCRIBE whose filter matches
 * the subscription character for character [MQTT-3.10.4-1]. The device subscribes to two
 * topics; a message on the first arrives; the device unsubscribes from it and the scenario
 * waits for the broker's UNSUBACK (whether the client's own answer already means that is a
 * feature of its own, unsubscribe-acknowledged); a peer then publishes on the unsubscribed topic
 * and, last, on the one still subscribed: the sentinel's arrival means the broker had decided
 * about the message before it.
 */
const unsubscribeStopsDelivery = feature({
  protocols: BOTH,
  id: "unsubscribe-stops-delivery",
  spec: "3.10.4",
  claim: citing("after the broker acknowledged the device's UNSUBSCRIBE, messages on that topic are no longer delivered", "MQTT-3.10.4-1, MQTT-3.10.4-2"),
  async run(ctx) {
    const { device, peer, bounds } = ctx;
    const { gone, kept } = await subscribedToBoth(ctx);
    const pub = await peer("pub");
    await pub.publish(gone, "before", { qos: 1 });
    await device.received({ topic: gone, payload: "before" }, { within: bounds.deliveryMs, what: "the subscription works before the unsubscribe" });
    await unsubscribeGranted(ctx, gone, "the device unsubscribes");
    await pub.publish(gone, "after", { qos: 1 });
    await pub.publish(kept, "sentinel", { qos: 1 });
    await device.received({ topic: kept, payload: "sentinel" }, { within: bounds.deliveryMs, what: "the device receives the sentinel" });
  },
  checks: ({ topics }) => [
    opAnswered({ op: "unsubscribe", topic: `${topics.base}/gone`, ok: true }),
    delivered({ name: "before", to: "device", topic: `${topics.base}/gone`, payload: "before", count: 1 }),
    notDelivered({ name: "notAfter", to: "device", topic: `${topics.base}/gone`, payload: "after", guarantee: "no delivery after the UNSUBACK (MQTT-3.10.4-2)" }),
  ],
});

const noLocal = feature({
  protocol: "5",
  id: "no-local",
  spec: "3.8.3.1",
  claim: "with No Local set, the device does not get its own publishes back, but still gets everyone else's",
  requires: ["subscription-options"],
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const t = `${topics.base}/chat`;
    await device.up({ within: bounds.connectMs });
    await ctx.answered(device.subscribe(t, 1, { options: { nl: true } }), { within: bounds.connectMs, what: `client subscribes ${t} with No Local` });
    await ctx.answered(device.publish(t, "own", { qos: 1 }), { within: bounds.connectMs, what: "client publishes to its own subscription" });
    // The sentinel from another client, after the broker acknowledged the device's own.
    const other = await peer("other");
    await other.publish(t, "other", { qos: 1 });
    await device.received({ topic: t, payload: "other" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    optionOnWire(`${topics.base}/chat`, { nl: true }, "No Local"),
    notDelivered({ to: "device", topic: `${topics.base}/chat`, payload: "own", guarantee: "MQTT 5 §3.8.3.1 (MQTT-3.8.3-3): with No Local the broker does not forward a client's own publishes to it" }),
    delivered({ to: "device", topic: `${topics.base}/chat`, payload: "other" }),
  ],
});

/** The broker grants at most QoS 0 (mosquitto `max_qos 0`). */
const MAX_QOS = 0;

const subackDowngraded = feature({
  protocol: "5",
  id: "suback-downgraded",
  spec: "3.9.3",
  claim: "a SUBACK granting a lower QoS than asked is reported to the application, and messages then arrive at the granted QoS",
  requires: ["operation-properties", "broker-settings"],
  broker: { settings: { maxQos: MAX_QOS } },
  async run({ device, peer, topics, bounds }) {
    const t = `${topics.base}/capped`;
    await device.up({ within: bounds.connectMs });
    await device.subscribe(t, 1);
    const pub = await peer("pub");
    // QoS 0: this broker refuses anything higher from publishers too.
    await pub.publish(t, "capped", { qos: 0 });
    await device.received({ topic: t, payload: "capped" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    opAnswered({ op: "subscribe", topic: `${topics.base}/capped`, ok: true, granted: [MAX_QOS], guarantee: "MQTT 5 §3.9.3: the SUBACK's reason code is the granted QoS (0x00), lower than the QoS 1 asked; the client reports it" }),
    delivered({ to: "device", topic: `${topics.base}/capped`, payload: "capped", qos: MAX_QOS, guarantee: "MQTT 5 §3.8.4: a message is delivered at the lower of its QoS and the granted one" }),
  ],
});

/**
 * A Subscription Identifier (MQTT 5 §3.8.2.1.2): the device subscribes with one, a peer
 * publishes, and the message must reach the application carrying it — the identifier on the
 * wire as the device encoded it, and back as the broker sent it. At its largest (268 435 455,
 * four bytes) it is also the test of the Variable Byte Integer property type.
 */
const IDENTIFIED = [
  {
    id: "subscription-identifier",
    spec: "3.8.2.1.2",
    claim: "a message matching a subscription the device made with a Subscription Identifier carries that identifier to the application",
    sid: 42,
    topic: "sid",
    payload: "tagged",
    guarantee: "MQTT 5 §3.3.4 (MQTT-3.3.4-3): the PUBLISH carries the matching subscription's identifier; the client passes it on",
  },
  {
    id: "prop-type-varint",
    spec: "2.2.2.2",
    claim: "a Variable Byte Integer property at its maximum (Subscription Identifier 268435455) is encoded by the device and decoded back exactly",
    sid: 268_435_455,
    topic: "varint",
    payload: "vbi",
    guarantee: "MQTT 5 §1.5.5, §2.2.2.2 Variable Byte Integer, §3.8.2.1.2: the four-byte maximum survives the device's encoding and decoding",
  },
];

const identified = IDENTIFIED.map((x) =>
  feature({
    protocol: "5",
    id: x.id,
    spec: x.spec,
    claim: x.claim,
    requires: ["subscription-identifiers"],
    async run(ctx) {
      const { device, peer, topics, bounds } = ctx;
      const t = `${topics.base}/${x.topic}`;
      await device.up({ within: bounds.connectMs });
      await ctx.answered(device.subscribe(t, 1, { props: { subscriptionIdentifier: x.sid } }), { within: bounds.connectMs, what: `client subscribes ${t} with Subscription Identifier ${x.sid}` });
      const pub = await peer("pub");
      await pub.publish(t, x.payload, { qos: 1 });
      await device.received({ topic: t, payload: x.payload }, { within: bounds.deliveryMs });
    },
    checks: ({ topics }) => [
      onWire({ dir: "up", cmd: "subscribe", where: { props: { subscriptionIdentifier: x.sid } }, what: `SUBSCRIBE carries Subscription Identifier ${x.sid}`, name: "encoded" }),
      delivered({ to: "device", topic: `${topics.base}/${x.topic}`, payload: x.payload, props: { subscriptionIdentifier: x.sid }, guarantee: x.guarantee }),
    ],
  }),
);

const identifiersOverlap = feature({
  protocol: "5",
  id: "subscription-identifiers-overlap",
  spec: "3.3.4",
  claim: "a message matching two of the device's subscriptions reaches the application with both Subscription Identifiers (one copy with both, or one copy each)",
  requires: ["subscription-identifiers"],
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    await device.up({ within: bounds.connectMs });
    await ctx.answered(device.subscribe(`${topics.base}/ov/#`, 1, { props: { subscriptionIdentifier: 1 } }), { within: bounds.connectMs, what: "client subscribes …/ov/# with identifier 1" });
    await ctx.answered(device.subscribe(`${topics.base}/ov/+`, 1, { props: { subscriptionIdentifier: 2 } }), { within: bounds.connectMs, what: "client subscribes …/ov/+ with identifier 2" });
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

const JOBS = Array.from({ length: 10 }, (_, i) => `job=${i + 1}`);

const sharedSubscription = feature({
  protocol: "5",
  id: "shared-subscription",
  spec: "4.8.2",
  claim: "the device and a peer in one shared subscription ($share/group/topic) split a burst: every message reaches one of them once, on the real topic",
  requires: ["shared-subscriptions"],
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const t = `${topics.base}/work`;
    const share = `$share/workers/${t}`;
    await device.up({ within: bounds.connectMs });
    await ctx.answered(device.subscribe(share, 1), { within: bounds.connectMs, what: `client subscribes ${share}` });
    const w2 = await peer("w2");
    await w2.subscribe(share, { qos: 1 });
    const pub = await peer("pub");
    for (const j of JOBS) await pub.publish(t, j, { qos: 1 });
    // Each job reaches one member or the other: wait for every one.
    for (const j of JOBS)
      await firstOf(ctx, [device.received({ topic: t, payload: j }, { within: bounds.deliveryMs }), w2.received({ topic: t, payload: j }, { within: bounds.deliveryMs })], `a member of the share receives ${j}`, bounds.deliveryMs);
  },
  checks: ({ topics }) => [sharedOnce({ members: ["device", "peer:w2"], topic: `${topics.base}/work`, payloads: JOBS })],
});

export const subscriptions = [...subscribeAcknowledged, ...unsubscribeAcknowledged, ...unsubscribeStopsDelivery, noLocal, subackDowngraded, ...identified, identifiersOverlap, sharedSubscription];
