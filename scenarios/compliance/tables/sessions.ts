// Sessions: what both protocols keep (Clean Session in MQTT 3.1.1, Clean Start and a Session
// Expiry Interval above 0 in MQTT 5; redelivery, §4.4), and MQTT 5's Session Expiry Interval.
// No default export: v3/sessions.ts and v5/sessions.ts take the cells.
import { brokerReceived, brokerSent } from "../../../src/checks/brokerSent.ts";
import { connackHas } from "../../../src/checks/connackHas.ts";
import { connackReceived } from "../../../src/checks/connackReceived.ts";
import { delivered } from "../../../src/checks/delivered.ts";
import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { onWire } from "../../../src/checks/onWire.ts";
import { opAnswered } from "../../../src/checks/opAnswered.ts";
import type { Protocol } from "../../../src/brokers/broker.ts";
import { partition } from "../../../src/faults/partition.ts";
import type { ClientSettings } from "../../../src/scenario/dsl.ts";
import { BOTH, citing, feature } from "../feature.ts";
import { subscribeGranted } from "../steps.ts";
import { isBroker } from "../../../src/timeline/is.ts";

/**
 * A kept session on every connection, the first included (clean_init): Clean Session 0, or in
 * MQTT 5 Clean Start 0 with a Session Expiry Interval of an hour (the lab's default for it).
 */
const KEPT: ClientSettings = { clean: false, clean_init: false };

/** The CONNECT flag that asks for a new session, by its name in each protocol. */
const clean = (p: Protocol) => (p === "5" ? "Clean Start" : "Clean Session");

/**
 * A persistent session: the first CONNACK says Session Present 0, the broker having nothing
 * stored [MQTT-3.2.2-3]; after a clean DISCONNECT the device connects again to its session and
 * the broker, which kept it, must say Session Present 1 [MQTT-3.2.2-2]. End to end: the
 * subscription made on the first connection is part of that session — a peer's publish reaches
 * the device without it subscribing again [MQTT-3.1.2-4].
 */
const sessionPresent = feature({
  protocols: BOTH,
  id: "session-present",
  spec: { "3.1.1": "3.2.2.2", "5": "3.2.2.1.1" },
  claim: {
    "3.1.1": "a reconnect with Clean Session 0 to a kept session gets Session Present 1 and the session's subscription (MQTT-3.2.2-2)",
    "5": "a reconnect with Clean Start 0 to a kept session gets Session Present 1 and the session's subscription",
  },
  client: KEPT,
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const topic = `${topics.base}/kept`;
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, topic, 1, "the device subscribes");
    await ctx.answered(device.disconnect(), { within: bounds.deliveryMs, what: "the device disconnects cleanly" });
    await ctx.answered(device.start(), { within: bounds.connectMs, what: `the device connects again with ${clean(ctx.protocol)} 0` });
    const pub = await peer("pub");
    await pub.publish(topic, "still-subscribed", { qos: 1 });
    await device.received({ topic, payload: "still-subscribed" }, { within: bounds.deliveryMs, what: "the kept subscription still routes to the device" });
  },
  checks: ({ topics }) => [
    connackReceived({ name: "firstConnack", nth: 1, sessionPresent: false, reason: 0, guarantee: "no stored session: Session Present 0 (MQTT-3.2.2-3)" }),
    connackReceived({ name: "resumedConnack", nth: 2, sessionPresent: true, reason: 0, guarantee: "stored session: Session Present 1 (MQTT-3.2.2-2)" }),
    delivered({ to: "device", topic: `${topics.base}/kept`, payload: "still-subscribed" }),
  ],
});

/**
 * The point of a persistent session: QoS 1 messages published while the device is away are
 * stored by the broker [MQTT-3.1.2-5] and delivered when it comes back to its session
 * [MQTT-3.1.2-4]. The device subscribes at QoS 1 and disconnects cleanly; a peer publishes two
 * QoS 1 messages; the device reconnects and, without subscribing again, must receive both.
 */
const queuedWhileOffline = feature({
  protocols: BOTH,
  id: "queued-while-offline",
  spec: "3.1.2.4",
  claim: {
    "3.1.1": "QoS 1 messages published while a Clean Session 0 device is offline are delivered when it reconnects (MQTT-3.1.2-5, MQTT-3.1.2-4)",
    "5": "QoS 1 messages published while a device is offline, its session kept (Clean Start 0, Session Expiry Interval above 0), are delivered when it reconnects",
  },
  client: KEPT,
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const topic = `${topics.base}/inbox`;
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, topic, 1, "the device subscribes at QoS 1");
    await ctx.answered(device.disconnect(), { within: bounds.deliveryMs, what: "the device disconnects cleanly" });
    const pub = await peer("pub");
    await pub.publish(topic, "while-away-1", { qos: 1 });
    await pub.publish(topic, "while-away-2", { qos: 1 });
    await ctx.answered(device.start(), { within: bounds.connectMs, what: `the device connects again with ${clean(ctx.protocol)} 0` });
    await device.received({ topic, payload: "while-away-2" }, { within: bounds.deliveryMs, what: "the queued messages reach the device" });
  },
  checks: ({ topics }) => [
    connackReceived({ nth: 2, sessionPresent: true }),
    delivered({ name: "firstQueued", to: "device", topic: `${topics.base}/inbox`, payload: "while-away-1" }),
    delivered({ name: "secondQueued", to: "device", topic: `${topics.base}/inbox`, payload: "while-away-2" }),
  ],
});

/**
 * A new session discards what the broker kept [MQTT-3.1.2-6]. The device makes a persistent
 * session holding a QoS 1 subscription and disconnects; a peer publishes a QoS 1 message the
 * broker queues in that session [MQTT-3.1.2-5]. The device then connects asking for a new
 * session (Clean Session 1; MQTT 5: Clean Start 1, no expiry): Session Present 0 [MQTT-3.2.2-1],
 * and the queued message must never come. Absence by sentinel: the device subscribes anew and
 * the peer publishes a second message on the same topic; once that one arrived, anything left
 * of the old session would have come before it.
 */
const cleanSessionDiscards = feature({
  protocols: BOTH,
  id: "clean-session-discards",
  spec: "3.1.2.4",
  claim: {
    "3.1.1": "a connect with Clean Session 1 discards the previous session: Session Present 0, its queued messages never delivered (MQTT-3.1.2-6)",
    "5": "a connect with Clean Start 1 discards the previous session: Session Present 0, its queued messages never delivered",
  },
  client: KEPT,
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const topic = `${topics.base}/queue`;
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, topic, 1, "the device subscribes");
    await ctx.answered(device.disconnect(), { within: bounds.deliveryMs, what: "the device disconnects cleanly" });
    const pub = await peer("pub");
    await pub.publish(topic, "queued", { qos: 1 });
    await ctx.answered(device.start({ clean: true, clean_init: true }), { within: bounds.connectMs, what: `the device connects with ${clean(ctx.protocol)} 1` });
    await subscribeGranted(ctx, topic, 1, "the device subscribes in its new session");
    await pub.publish(topic, "sentinel", { qos: 1 });
    await device.received({ topic, payload: "sentinel" }, { within: bounds.deliveryMs, what: "the new session receives the sentinel" });
  },
  checks: ({ topics, protocol }) => [
    connackReceived({ nth: 2, sessionPresent: false, reason: 0, guarantee: `${clean(protocol)} 1: Session Present 0 (MQTT-3.2.2-1)` }),
    notDelivered({ to: "device", topic: `${topics.base}/queue`, payload: "queued", guarantee: "a message queued in the discarded session is never delivered (MQTT-3.1.2-6)" }),
    delivered({ to: "device", topic: `${topics.base}/queue`, payload: "sentinel", count: 1 }),
  ],
});

/**
 * A QoS 1 PUBLISH the broker sent but the device never acknowledged is sent again, with DUP 1,
 * when the device comes back to its kept session [MQTT-3.3.1-1, MQTT-4.4.0-1]; the client
 * must take the resend like any message — hand it on and PUBACK it. The device (kept session)
 * subscribes at QoS 1; a silent partition swallows the broker's PUBLISH of a peer's message
 * (the broker PUBACKs the peer and writes the PUBLISH into the dead wire); the partition heals
 * at once (every connection that lived through it is closed), the device reconnects to its
 * session, and the broker resends. Judged on the wire from the broker's log (the DUP flag
 * and the client's PUBACK: not every client reports DUP) and by the device's receipt.
 */
const dupOnResend = feature({
  protocols: BOTH,
  id: "dup-on-resend",
  spec: "3.3.1.1",
  claim: citing("an unacknowledged QoS 1 message is resent with DUP 1 after the device reconnects to its kept session, and the client PUBACKs it", "MQTT-3.3.1-1, MQTT-4.4.0-1"),
  requires: ["dup-on-resend"],
  client: KEPT,
  async run(ctx) {
    const { device, peer, topics, bounds, targets, inject, heal, note } = ctx;
    const topic = `${topics.base}/cmd`;
    const id = ctx.client.client_id;
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, topic, 1, "the device subscribes at QoS 1");
    const pub = await peer("pub");
    const f = await inject(partition(targets));
    await pub.publish(topic, "in-flight", { qos: 1 });
    // The resend only means something if the first PUBLISH went out (else a DUP 0 first send
    // after the reconnect is right): wait for the broker's log to say it sent it.
    try {
      await ctx.seen((e) => isBroker(e, "log") && typeof e.line === "string" && e.line.includes(`Sending PUBLISH to ${id} (d0, q1,`) && e.line.includes(`'${topic}'`), {
        within: bounds.deliveryMs,
        what: "the broker sends the PUBLISH into the partition",
      });
    } catch {
      note("the broker's log did not show the first PUBLISH: the wire check will say what it can");
    }
    await heal(f);
    await device.reconnected({ within: bounds.reconnectAfterHealMs, what: "the device reconnects after the partition" });
    await device.received({ topic, payload: "in-flight" }, { within: bounds.deliveryMs, what: "the device receives the resent message" });
  },
  checks: ({ topics }) => [
    connackReceived({ nth: 2, sessionPresent: true, reason: 0 }),
    brokerSent({ topic: `${topics.base}/cmd`, qos: 1, dup: true, completed: true, guarantee: "the broker resends with DUP 1 and the client PUBACKs the resend (MQTT-3.3.1-1, MQTT-4.3.2-2)" }),
    delivered({ to: "device", topic: `${topics.base}/cmd`, payload: "in-flight" }),
  ],
});

/**
 * The client's half of QoS 1 across a reconnect: a PUBLISH it sent but never saw PUBACKed must
 * be sent again when it reconnects to its kept session [MQTT-4.4.0-1], with DUP 1
 * [MQTT-3.3.1-1], and the application told it went through once the PUBACK came. The device
 * (kept session) publishes at QoS 1 into a silent partition (the PUBLISH vanishes); one
 * exchange later — the client has written it and would have had its PUBACK — the partition
 * heals (every connection that lived through it is closed) and the device reconnects. The
 * broker's log must show the resend with DUP 1, a peer must receive the message, and the
 * publish must be answered as done.
 */
const resendAfterReconnect = feature({
  protocols: BOTH,
  id: "resend-after-reconnect",
  spec: "4.4",
  claim: {
    "3.1.1": "an unacknowledged QoS 1 publish is resent with DUP 1 after the device reconnects with Clean Session 0, and then reported done (MQTT-4.4.0-1, MQTT-3.3.1-1)",
    "5": "an unacknowledged QoS 1 publish is resent with DUP 1 after the device reconnects with Clean Start 0, and then reported done",
  },
  requires: ["resend-dup"],
  client: KEPT,
  async run(ctx) {
    const { device, peer, topics, bounds, targets, inject, heal, wait } = ctx;
    const topic = `${topics.base}/reading`;
    await device.up({ within: bounds.connectMs });
    const sub = await peer("sub");
    await sub.subscribe(topic, { qos: 1 });
    const f = await inject(partition(targets));
    // Not awaited yet: the answer comes only after the reconnect. answered() at once, so that
    // feature()'s bound on the operation can never become an unhandled rejection.
    const sent = ctx.answered(device.publish(topic, "unacked", { qos: 1 }), { within: bounds.deliveryMs + bounds.reconnectAfterHealMs + bounds.deliveryMs });
    // One exchange: the client writes the PUBLISH at once and would have had its PUBACK by now;
    // nothing observable marks that moment (the wire is silent), so this wait is the bound itself.
    await wait(bounds.deliveryMs);
    await heal(f);
    await device.reconnected({ within: bounds.reconnectAfterHealMs, what: "the device reconnects after the partition" });
    await sub.received({ topic, payload: "unacked" }, { within: bounds.deliveryMs, what: "the peer receives the resent message" });
    // The answer is what is judged (opAnswered): wait for it, but do not stop without one.
    await sent;
  },
  checks: ({ topics }) => [
    brokerReceived({ topic: `${topics.base}/reading`, qos: 1, dup: true, afterReconnect: true, guarantee: "the client resends the unacknowledged PUBLISH with DUP 1 (MQTT-4.4.0-1, MQTT-3.3.1-1)" }),
    delivered({ to: "peer:sub", topic: `${topics.base}/reading`, payload: "unacked" }),
    opAnswered({ op: "publish", topic: `${topics.base}/reading`, ok: true }),
  ],
});

/**
 * MQTT 5's Session Expiry Interval (§3.1.2.11.2): the device subscribes at QoS 1 (Clean Start 1
 * at first, so nothing is left over), disconnects, a peer publishes while it is away, and it
 * comes back with Clean Start 0. Within an expiry of 60 s the session is there: Session Present
 * 1 and the queued message (a reconnect of mqtt_as takes ~6 s). With expiry 0 the session ended
 * with the connection: Session Present 0, nothing queued — shown by a sentinel published after
 * the device subscribed again, which a message still queued would have come before.
 */
const EXPIRY: { id: string; expiry: number; claim: string; again: string }[] = [
  { id: "session-expiry-resume", expiry: 60, claim: "a device back within its Session Expiry Interval gets Session Present 1 and the QoS 1 message queued while it was away", again: "client connects again within the session expiry" },
  { id: "session-expiry-zero", expiry: 0, claim: "with Session Expiry Interval 0 the session ends with the connection: a Clean Start 0 reconnect gets Session Present 0 and nothing queued", again: "client connects again (Clean Start 0)" },
];

const sessionExpiry = EXPIRY.map((x) => {
  const kept = x.expiry > 0;
  const topic = (base: string) => `${base}/${kept ? "queued" : "gone"}`;
  return feature({
    protocol: "5",
    id: x.id,
    spec: "3.1.2.11.2",
    claim: x.claim,
    client: { clean: false, clean_init: true, session_expiry: x.expiry },
    async run(ctx) {
      const { device, peer, topics, bounds } = ctx;
      const t = topic(topics.base);
      const within = bounds.connectMs;
      await device.up({ within: bounds.connectMs });
      await ctx.answered(device.subscribe(t, 1), { within, what: `client subscribes ${t}` });
      await ctx.answered(device.disconnect(), { within, what: "client disconnects cleanly" });
      const pub = await peer("pub");
      await pub.publish(t, "while-away", { qos: 1 });
      await ctx.answered(device.start({ clean_init: false }), { within, what: x.again });
      if (!kept) {
        await ctx.answered(device.subscribe(t, 1), { within, what: `client subscribes ${t} again` });
        await pub.publish(t, "sentinel", { qos: 1 });
      }
      await device.received({ topic: t, payload: kept ? "while-away" : "sentinel" }, { within: bounds.deliveryMs });
    },
    checks: ({ topics }) =>
      kept
        ? [
            onWire({ dir: "up", cmd: "connect", where: { clean: false, props: { sessionExpiryInterval: x.expiry } }, what: `the reconnect asks for Clean Start 0 with Session Expiry Interval ${x.expiry}`, name: "askedOnWire" }),
            connackHas({ who: "device", nth: 2, sessionPresent: true, guarantee: "MQTT 5 §3.2.2.1.1: a Clean Start 0 reconnect within the Session Expiry Interval gets Session Present 1" }),
            delivered({ to: "device", topic: topic(topics.base), payload: "while-away", guarantee: "MQTT 5 §3.1.2.11.2, §4.1: the QoS 1 message queued in the kept session is delivered on return" }),
          ]
        : [
            connackHas({ who: "device", nth: 2, sessionPresent: false, guarantee: "MQTT 5 §3.1.2.11.2: with expiry 0 the session ended with the network connection, so Session Present is 0" }),
            notDelivered({ to: "device", topic: topic(topics.base), payload: "while-away", guarantee: "MQTT 5 §3.1.2.11.2: nothing is queued for a session that ended" }),
            delivered({ to: "device", topic: topic(topics.base), payload: "sentinel" }),
          ],
  });
});

export const sessions = [...sessionPresent, ...queuedWhileOffline, ...cleanSessionDiscards, ...dupOnResend, ...resendAfterReconnect, ...sessionExpiry];
