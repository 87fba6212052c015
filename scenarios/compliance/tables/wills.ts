// Wills: what both protocols keep (§3.1.2.5–7, §3.14.4), and what MQTT 5 adds (Will Delay,
// will properties, DISCONNECT with Will). No default export: v3/wills.ts and v5/wills.ts take the cells.
import type { Check } from "../../../src/checks/check.ts";
import { connackHas } from "../../../src/checks/connackHas.ts";
import { delivered } from "../../../src/checks/delivered.ts";
import { deliveredNotBefore } from "../../../src/checks/deliveredNotBefore.ts";
import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { onWire } from "../../../src/checks/onWire.ts";
import { opAnswered } from "../../../src/checks/opAnswered.ts";
import { willPublishedOnSilentDeath, willWithinMs } from "../../../src/checks/willPublishedOnSilentDeath.ts";
import { silentDeath } from "../../../src/faults/silentDeath.ts";
import type { PeerHandle, ScenarioContext, WillSettings } from "../../../src/scenario/dsl.ts";
import { isObserverRecv, isWirePacket } from "../../../src/timeline/is.ts";
import { BOTH, citing, feature } from "../feature.ts";
import { willBound } from "../steps.ts";

/**
 * The will topic lives under the run's own prefix, which client settings cannot name: the
 * device connects plainly, disconnects (within `disconnectWithin`, default one exchange), a
 * peer `watcher` subscribes to the will topic, and the device connects again with the will.
 */
async function reconnectWithWill(ctx: ScenarioContext, o: { watcher: string; will: WillSettings; what: string; disconnect: string; disconnectWithin?: number }): Promise<PeerHandle> {
  const { device, peer, bounds } = ctx;
  await device.up({ within: bounds.connectMs });
  await ctx.answered(device.disconnect(), { within: o.disconnectWithin ?? bounds.deliveryMs, what: o.disconnect });
  const w = await peer(o.watcher);
  await w.subscribe(o.will.topic, { qos: 1 });
  await ctx.answered(device.start({ will: o.will }), { within: bounds.connectMs, what: o.what });
  return w;
}

const BEFORE_WILL = "the device disconnects before connecting with its will";

/**
 * The will is the broker's word that the device is gone: the device connects with a will and
 * then loses power — no DISCONNECT. The broker must publish the will [MQTT-3.1.2-8] to a peer
 * subscribed to its topic, within willBound. Each row varies the will:
 * - will-on-loss: QoS 0, not retained — published, once.
 * - will-qos1 [MQTT-3.1.2-14]: a will sent with QoS 1 is published at QoS 1, so a peer
 *   subscribed at QoS 1 receives it at QoS 1 (a client that put 0 in the Will QoS bits would
 *   show here as QoS 0).
 * - will-retain [MQTT-3.1.2-17]: a will sent with Will Retain 1 is published as a retained
 *   message. The peer subscribed before the loss receives it (RETAIN 0: it matched an existing
 *   subscription, MQTT-3.3.1-9); a peer that subscribes only afterwards must get it from the
 *   broker's store, with RETAIN 1 [MQTT-3.3.1-8].
 */
const ON_LOSS: { id: string; spec: string; claim: string; rules: string; will: Omit<WillSettings, "topic">; what: string; checks(topic: string): Check[]; late?: true }[] = [
  {
    id: "will-on-loss",
    spec: "3.1.2.5",
    claim: "the will is published when the connection is lost without DISCONNECT",
    rules: "MQTT-3.1.2-8",
    will: { payload: "gone", qos: 0, retain: false },
    what: "the device connects with a will",
    checks: (topic) => [delivered({ to: "peer:watch", topic, payload: "gone", qos: 0, retain: false, count: 1 })],
  },
  {
    id: "will-qos1",
    spec: "3.1.2.6",
    claim: "a will with Will QoS 1 is published at QoS 1",
    rules: "MQTT-3.1.2-14",
    will: { payload: "gone-qos1", qos: 1, retain: false },
    what: "the device connects with a QoS 1 will",
    checks: (topic) => [delivered({ to: "peer:watch", topic, payload: "gone-qos1", qos: 1, retain: false })],
  },
  {
    id: "will-retain",
    spec: "3.1.2.7",
    claim: "a will with Will Retain 1 is published retained: a later subscriber gets it with RETAIN 1",
    rules: "MQTT-3.1.2-17",
    will: { payload: "offline", qos: 1, retain: true },
    what: "the device connects with a retained will",
    late: true,
    checks: (topic) => [
      delivered({ name: "willPublished", to: "peer:watch", topic, payload: "offline", retain: false }),
      delivered({ name: "willRetained", to: "peer:late", topic, payload: "offline", retain: true }),
    ],
  },
];

const onLoss = ON_LOSS.flatMap((row) =>
  feature({
    protocols: BOTH,
    id: row.id,
    spec: row.spec,
    claim: citing(row.claim, row.rules),
    async run(ctx) {
      const { device, peer, topics, bounds } = ctx;
      const topic = `${topics.base}/status`;
      const watch = await reconnectWithWill(ctx, { watcher: "watch", will: { topic, ...row.will }, what: row.what, disconnect: BEFORE_WILL });
      await device.powerOff();
      await watch.received({ topic }, { within: willBound(ctx), what: "the broker publishes the will" });
      if (!row.late) return;
      const late = await peer("late");
      await late.subscribe(topic, { qos: 1 });
      await late.received({ topic }, { within: bounds.deliveryMs, what: "a later subscriber gets the retained will" });
    },
    checks: ({ topics }) => row.checks(`${topics.base}/status`),
  }),
);

/**
 * A clean DISCONNECT discards the will [MQTT-3.14.4-3, MQTT-3.1.2-10]: the device connects with
 * a will, then disconnects cleanly; a peer subscribed to the will topic must never get it.
 * A client that skips the DISCONNECT packet (or sends it malformed) leaves the broker a lost
 * connection, and the broker publishes the will — at once when the socket closes, at the latest
 * 1.5 × keepalive later when it does not. The scenario waits out that bound (the broker's own
 * promise, derived from the keepalive) and then has the peer publish a sentinel on the will
 * topic: a will would have come before it.
 */
const notAfterDisconnect = feature({
  protocols: BOTH,
  id: "will-not-after-disconnect",
  spec: "3.14.4",
  claim: citing("no will is published after a clean DISCONNECT", "MQTT-3.14.4-3, MQTT-3.1.2-10"),
  client: { keepalive: 4 },
  async run(ctx) {
    const { device, topics, bounds, wait } = ctx;
    const topic = `${topics.base}/status`;
    const watch = await reconnectWithWill(ctx, { watcher: "watch", will: { topic, payload: "gone", qos: 1, retain: false }, what: "the device connects with a will", disconnect: BEFORE_WILL });
    await ctx.answered(device.disconnect(), { within: bounds.deliveryMs, what: "the device disconnects cleanly" });
    await wait(willBound(ctx));
    await watch.publish(topic, "sentinel", { qos: 1 });
    await watch.received({ topic, payload: "sentinel" }, { within: bounds.deliveryMs, what: "the sentinel comes back" });
  },
  checks: ({ topics }) => [
    notDelivered({ to: "peer:watch", topic: `${topics.base}/status`, payload: "gone", guarantee: "no will after a clean DISCONNECT (MQTT-3.14.4-3)" }),
    delivered({ to: "peer:watch", topic: `${topics.base}/status`, payload: "sentinel" }),
  ],
});

// MQTT 5's own: each connects again with its will under the peer "will", as above.
const V5_WILL = { watcher: "will", disconnect: "client disconnects cleanly" };

/** Seconds. The session outlives the delay, so the delay (not the session's end) decides (§3.1.3.2.2). */
const DELAY = 3;
const DELAY_EXPIRY = 30;

const willDelay = feature({
  protocol: "5",
  id: "will-delay",
  spec: "3.1.3.2.2",
  claim: "a device that vanishes has its will published no earlier than its Will Delay Interval",
  requires: ["will-delay", "will-properties"],
  client: { session_expiry: DELAY_EXPIRY },
  async run(ctx) {
    const { device, topics, bounds } = ctx;
    const will = `${topics.base}/will`;
    const w = await reconnectWithWill(ctx, { ...V5_WILL, will: { topic: will, payload: "gone", qos: 1, props: { willDelayInterval: DELAY } }, what: "client connects with a delayed will", disconnectWithin: bounds.connectMs });
    await device.powerOff();
    await w.received({ topic: will, payload: "gone" }, { within: DELAY * 1000 + bounds.deliveryMs });
  },
  checks: ({ topics, bounds }) => [
    onWire({ dir: "up", cmd: "connect", where: { will: { topic: `${topics.base}/will`, props: { willDelayInterval: DELAY } } }, what: `CONNECT's will carries Will Delay Interval ${DELAY}`, name: "delayOnWire" }),
    deliveredNotBefore({
      to: "peer:will",
      topic: `${topics.base}/will`,
      payload: "gone",
      anchor: { src: "lab", kind: "device.power", where: { on: false }, what: "the device lost power" },
      delayMs: DELAY * 1000,
      withinMs: bounds.deliveryMs,
      guarantee: `MQTT 5 §3.1.3.2.2 (MQTT-3.1.3-9): the broker delays the will until the Will Delay Interval (${DELAY} s) has passed`,
    }),
  ],
});

/** Seconds: the will's delay, and a session that outlives it. */
const CANCELLED_DELAY = 5;
const CANCELLED_EXPIRY = 60;

const willDelayCancelled = feature({
  protocol: "5",
  id: "will-delay-cancelled",
  spec: "3.1.3.2.2",
  claim: "a device that vanishes and is back (resuming its session) within its Will Delay Interval has no will published",
  requires: ["will-delay", "will-properties"],
  client: { clean: false, clean_init: true, session_expiry: CANCELLED_EXPIRY },
  async run(ctx) {
    const { device, topics, bounds, targets, wait, now } = ctx;
    const will = { topic: `${topics.base}/will`, payload: "gone", qos: 1 as const, props: { willDelayInterval: CANCELLED_DELAY } };
    await reconnectWithWill(ctx, { ...V5_WILL, will, what: "client connects with a delayed will", disconnectWithin: bounds.connectMs });
    const off = now();
    await device.powerOff();
    // Straight back, resuming the session (Clean Start 0), with the same will.
    await targets.device.powerOn({ clean_init: false, will });
    await device.up({ within: bounds.connectMs, what: "client is back within the will delay" });
    // Absence of a will can only be shown by waiting the delay out: from the power-off, the
    // delay plus one delivery bound (and 1 s for brokers that count whole seconds).
    const rest = off + CANCELLED_DELAY * 1000 + 1000 + bounds.deliveryMs - now();
    if (rest > 0) await wait(rest);
  },
  checks: ({ topics }) => [
    onWire({ dir: "up", cmd: "connect", where: { clean: false, will: { topic: `${topics.base}/will`, props: { willDelayInterval: CANCELLED_DELAY } } }, what: `the reconnect (Clean Start 0) carries the will with Will Delay Interval ${CANCELLED_DELAY}`, name: "reconnectOnWire" }),
    connackHas({ who: "device", sessionPresent: true, guarantee: "MQTT 5 §3.2.2.1.1: the device resumed its session (Clean Start 0 within the expiry)" }),
    notDelivered({ to: "peer:will", topic: `${topics.base}/will`, guarantee: "MQTT 5 §3.1.3.2.2: a will whose client reconnects to its session before the Will Delay Interval passes is not published" }),
  ],
});

function willProps(base: string): Record<string, unknown> {
  return {
    contentType: "text/plain",
    payloadFormatIndicator: true,
    responseTopic: `${base}/will/ack`,
    correlationData: { hex: "00ff01" },
    userProperties: { reason: "power" },
  };
}

const willProperties = feature({
  protocol: "5",
  id: "will-properties",
  spec: "3.1.3.2",
  claim: "the properties of a device's will (Content Type, Payload Format Indicator, Response Topic, Correlation Data, User Property) reach the will's subscriber exactly",
  requires: ["will-properties"],
  async run(ctx) {
    const { device, topics, bounds } = ctx;
    const willTopic = `${topics.base}/will`;
    const w = await reconnectWithWill(ctx, { ...V5_WILL, will: { topic: willTopic, payload: "device lost", qos: 1, props: willProps(topics.base) }, what: "client connects with a will that has properties", disconnectWithin: bounds.connectMs });
    await device.powerOff();
    await w.received({ topic: willTopic }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    onWire({ dir: "up", cmd: "connect", where: { will: { topic: `${topics.base}/will`, props: willProps(topics.base) } }, what: "CONNECT's will carries the properties", name: "propsOnWire" }),
    delivered({ to: "peer:will", topic: `${topics.base}/will`, payload: "device lost", props: willProps(topics.base), guarantee: "MQTT 5 §3.1.3.2 (MQTT-3.3.2-4, -15, -16, -17, -20): the broker publishes the will with the properties the device gave it" }),
  ],
});

const disconnectWithWill = feature({
  protocol: "5",
  id: "disconnect-with-will",
  spec: "3.14.2.1",
  claim: "a device that disconnects with reason code 0x04 (Disconnect with Will Message) has its will published",
  // A client's ability to put a reason code in its DISCONNECT (no id of the vocabulary names it).
  requires: ["disconnect-reason"],
  async run(ctx) {
    const { device, topics, bounds } = ctx;
    const will = `${topics.base}/will`;
    const w = await reconnectWithWill(ctx, { ...V5_WILL, will: { topic: will, payload: "gone", qos: 1 }, what: "client connects with a will", disconnectWithin: bounds.connectMs });
    await device.disconnect({ reason: 0x04 });
    await w.received({ topic: will, payload: "gone" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    opAnswered({ op: "disconnect", ok: true, guarantee: "the client sends DISCONNECT with reason code 0x04 when asked" }),
    onWire({ dir: "up", cmd: "disconnect", where: { reasonCode: 0x04 }, what: "DISCONNECT with reason code 0x04", name: "reasonOnWire" }),
    delivered({ to: "peer:will", topic: `${topics.base}/will`, payload: "gone", guarantee: "MQTT 5 §3.14.2.1, §3.1.2.5: after DISCONNECT 0x04 the broker publishes the will" }),
  ],
});

/**
 * Silent death (issue 15): the device connects with a will on the run's up topic — which the
 * observer, the lab's own witness, is subscribed to — sends one PINGREQ, and then loses power
 * and radio at once (silentDeath: the wire goes silent, then the process dies). No DISCONNECT,
 * FIN or RST reaches the broker: it must notice through the keepalive (1.5 × keepalive after the
 * last packet) and then publish the will; MQTT 5's delayed will waits its delay on top. The
 * keepalive is 4 s, even, so 1.5 × keepalive is whole seconds for brokers that count in them.
 */
const SILENT_KEEPALIVE = 4;
/** Seconds: the delay of the MQTT 5 cell's will, and a session that outlives it (so the delay decides, §3.1.3.2.2). */
const SILENT_DELAY = 2;
const SILENT_EXPIRY = 30;
const SILENT_WILL = "dead";

function silentDeathRun(delayS: number) {
  return async (ctx: ScenarioContext): Promise<void> => {
    const { device, topics, bounds, targets } = ctx;
    await device.up({ within: bounds.connectMs, what: "the device connects" });
    await ctx.answered(device.disconnect(), { within: bounds.connectMs, what: BEFORE_WILL });
    const will: WillSettings = { topic: topics.up, payload: SILENT_WILL, qos: 1, retain: false, ...(delayS ? { props: { willDelayInterval: delayS } } : {}) };
    const since = ctx.mark();
    await ctx.answered(device.start({ will }), { within: bounds.connectMs, what: "the device connects with its will" });
    // One PINGREQ answered, so the broker's clock runs from a keepalive packet it surely read (a
    // packet still in flight when the wire goes silent is dropped); a client that sends none
    // within its keepalive still dies (keepsConnectionAlive judges its cadence elsewhere).
    await ctx.seen((e) => isWirePacket(e) && e.dir === "down" && e.cmd === "pingresp", { within: SILENT_KEEPALIVE * 1000 + bounds.deliveryMs, since });
    const dead = ctx.now();
    await ctx.inject(silentDeath(targets));
    const within = willWithinMs({ broker: { kind: ctx.broker.kind, durable: ctx.broker.durable }, bounds }, SILENT_KEEPALIVE, delayS);
    await ctx.seen((e) => isObserverRecv(e) && e.topic === topics.up && e.payload === SILENT_WILL, { within: Math.round(within - (ctx.now() - dead)), what: "the broker publishes the will of the silently dead device" });
  };
}

const silentDeathCells = [
  ...feature({
    protocols: BOTH,
    id: "will-on-silent-death",
    spec: "3.1.2.10",
    claim: citing("a device that dies silently (no DISCONNECT, no FIN) has its will published once 1.5 × its keepalive has passed", "MQTT-3.1.2-24, MQTT-3.1.2-8", "MQTT-3.1.2-22, MQTT-3.1.2-8"),
    client: { keepalive: SILENT_KEEPALIVE },
    run: silentDeathRun(0),
    checks: ({ topics }) => [willPublishedOnSilentDeath({ topic: topics.up, payload: SILENT_WILL })],
  }),
  feature({
    protocol: "5",
    id: "will-delay-on-silent-death",
    spec: "3.1.3.2.2",
    claim: "a device that dies silently has its will published 1.5 × its keepalive plus its Will Delay Interval after its last packet",
    // The delay alone: mochi lacks "will-properties" for other will properties than this one.
    requires: ["will-delay"],
    client: { keepalive: SILENT_KEEPALIVE, session_expiry: SILENT_EXPIRY },
    run: silentDeathRun(SILENT_DELAY),
    checks: ({ topics }) => [willPublishedOnSilentDeath({ topic: topics.up, payload: SILENT_WILL, willDelayS: SILENT_DELAY })],
  }),
];

export const wills = [...onLoss, ...notAfterDisconnect, ...silentDeathCells, willDelay, willDelayCancelled, willProperties, disconnectWithWill];
