import { at, type TimelineEvent } from "../timeline/event.ts";
import type { CheckContext } from "./context.ts";
import type { LedgerEntry } from "./ledger.ts";
import { faultSpans } from "./history.ts";
import { isBroker, isDevice, isDeviceUp, isLab, isObserver, isWirePacket } from "../timeline/is.ts";

/**
 * Which observer→device messages the broker owed the device. MQTT delivers a message to the
 * subscriptions that exist when the broker receives it (§3.3.4): a message published before
 * the device's subscription was confirmed, or while a device without a kept session was
 * away, was never owed to it — losing it is nobody's fault and no checker may count it.
 */
export type Owed = { owed: true } | { owed: false; why: string };

export function owedToDevice(m: LedgerEntry, events: readonly TimelineEvent[], ctx: CheckContext): Owed {
  if (m.dir === "up") return owedToObserver(m, events);
  if (m.dir !== "down") return { owed: true };
  const subs = subscriptionsConfirmed(events, m.topic);
  const first = subs[0];
  // The broker took the message somewhere between the observer's send and its PUBACK; only a
  // subscription confirmed before the send is certainly in place.
  if (!first || first.t > m.sentAt) {
    return { owed: false, why: `published at ${at(m.sentAt)}, before the device's subscription to ${m.topic} was confirmed${first ? ` (${at(first.t)})` : ""}` };
  }
  // The broker's word, where it logs CONNACKs: a CONNACK with session present 0 starts a
  // new, empty session; only a subscription confirmed since then routes the message.
  // A broker that logs nothing per connection (mochi) leaves the client's own report of the
  // CONNACK: an `up` with session_present false is the same fact, seen from the device.
  const hasBrokerWord = events.some((e) => isDeviceConnack(e, ctx));
  const birth = events
    .filter((e) => (hasBrokerWord ? isDeviceConnack(e, ctx) && e.sessionPresent === false : isDeviceUp(e) && e.session_present === false) && e.t <= m.sentAt)
    .pop();
  const born = birth ? answeredUp(birth, events, ctx) : undefined;
  if (birth && born !== undefined && !subs.some((s) => s.t > born && s.t <= m.sentAt)) {
    const renewed = subs.find((s) => s.t > born);
    return {
      owed: false,
      why: `published at ${at(m.sentAt)}, after the broker started a new session for the device (session present 0, ${at(birth.t)}) and before the device renewed its subscription${renewed ? ` (${at(renewed.t)})` : ""}`,
    };
  }
  const wiped = wipedByCleanStart(m, events, ctx);
  if (wiped) return { owed: false, why: wiped };
  if (!keptSession(events, ctx, m.sentAt)) {
    // Without a kept session, a subscription lasts one connection: owed only while the
    // device was up and subscribed again since its last outage.
    const lastDown = events.filter((e) => isDevice(e, "down", "exit") && e.t <= (m.ackedAt ?? m.sentAt)).pop();
    if (lastDown) {
      const resub = subs.find((s) => s.t > lastDown.t);
      if (!resub || resub.t > m.sentAt) {
        return { owed: false, why: `published at ${at(m.sentAt)} while the device, whose session was not kept, was away since ${at(lastDown.t)}` };
      }
    }
    // A session that is not kept ends with its connection, in-flight messages with it
    // (3.1.1 §3.1.2.4; v5 §3.1.2.11, expiry 0). A message that connection did not live to
    // deliver was discarded by the broker, not lost by the client, when the connection could
    // not carry it: a fault was in effect on the way (a silent wire swallows what the broker
    // sends until either end gives up), or it ended within one response time of the send
    // (the time the client allows for an answer). A message left undelivered on a healthy
    // connection that lived on stays owed: the client had it and dropped it.
    const ended = events.find((e) => isDevice(e, "down", "exit") && e.t >= m.sentAt);
    if (ended && !m.deliveries.some((d) => d <= ended.t)) {
      const fault = faultSpans(events).find((f) => f.from <= ended.t && f.to >= m.sentAt);
      if (fault || ended.t - m.sentAt <= ctx.client.response_time * 1000) {
        const how = fault ? `while ${fault.fault} (from ${at(fault.from)}) was in effect` : `within one response time`;
        return {
          owed: false,
          why: `published at ${at(m.sentAt)}; the device's connection, whose session was not kept, ended at ${at(ended.t)} ${how} before delivering it, and the session's in-flight messages with it`,
        };
      }
    }
  }
  return { owed: true };
}

/**
 * When the session a CONNACK started began, as far as the device's own events go. The broker's
 * log line is stamped when the host reads it, which may be a few ms after the device already
 * reported the connection up (and subscribed on it): seen in mqtt_as's broker-crash, where the
 * order of the broker's "session present 0" and the device's `up` 5 ms apart decided whether a
 * hundred messages were owed. A device `up` no more than one response time before the CONNACK's
 * record, with no `down` or exit between, is that connection's: the session began before it.
 */
function answeredUp(birth: TimelineEvent, events: readonly TimelineEvent[], ctx: CheckContext): number {
  if (!isBroker(birth, "connack")) return birth.t;
  const before = events.filter((e) => e.t <= birth.t && e.t >= birth.t - ctx.client.response_time * 1000 && (isDeviceUp(e) || isDevice(e, "down", "exit")));
  const last = before.at(-1);
  return last && isDeviceUp(last) ? last.t - 0.001 : birth.t;
}

/**
 * When each of the device's subscriptions to `topic` was certainly in place at the broker: the
 * client's own `subscribed`, or — where the wire tap saw it — the SUBACK answering the
 * SUBSCRIBE it sent since its last `up`, if that came later. A client may report a subscribe
 * done once it has only sent the request (aiomqttc does), and a message the broker took before
 * the request reached it was never owed.
 */
function subscriptionsConfirmed(events: readonly TimelineEvent[], topic: string | undefined): { t: number }[] {
  // Asked once per message of a run: computed once per timeline and topic.
  // (A timeline still growing is asked again once it has grown.)
  let cached = confirmedCache.get(events);
  if (!cached || cached.length !== events.length) confirmedCache.set(events, (cached = { length: events.length, byTopic: new Map() }));
  const key = topic ?? "";
  let found = cached.byTopic.get(key);
  if (!found) cached.byTopic.set(key, (found = confirm(events, topic)));
  return found;
}
const confirmedCache = new WeakMap<readonly TimelineEvent[], { length: number; byTopic: Map<string, { t: number }[]> }>();

function confirm(events: readonly TimelineEvent[], topic: string | undefined): { t: number }[] {
  const wire = events.filter(isWirePacket);
  return events
    .filter((e) => isDevice(e, "subscribed") && e.topic === topic)
    .map((s) => {
      if (!wire.length) return { t: s.t };
      const since = events.filter((e) => isDeviceUp(e) && e.t <= s.t).pop()?.t ?? 0;
      const asked = wire.find((w) => w.dir === "up" && w.cmd === "subscribe" && w.t >= since && Array.isArray(w.subscriptions) && w.subscriptions.some((x) => (x as { topic?: string }).topic === topic));
      const answer = asked && wire.find((w) => w.dir === "down" && w.cmd === "suback" && w.conn === asked.conn && w.messageId === asked.messageId && w.t >= asked.t);
      return { t: answer ? Math.max(s.t, answer.t) : s.t };
    })
    .sort((a, b) => a.t - b.t);
}

/**
 * The same rule for device→observer messages. The observer keeps a persistent session, but a
 * broker that does not persist loses it in a crash: the observer's next CONNACK then says
 * Session Present 0 and it subscribes again. A device message the broker took in between had
 * no subscriber to go to (§3.3.4) — the broker's loss of the session, never the client's.
 */
export function owedToObserver(m: LedgerEntry, events: readonly TimelineEvent[]): Owed {
  const exit = events.filter((e) => isBroker(e, "exit") && e.t <= m.sentAt).pop();
  if (!exit) return { owed: true };
  const up = events.find((e) => isObserver(e, "up") && e.t > exit.t);
  if (!up || up.sessionPresent !== false) return { owed: true }; // the broker kept its session
  const resub = events.find((e) => isObserver(e, "subscribed") && e.t > up.t);
  // Taken by the broker after its exit and before the observer's subscription was back.
  if (resub && resub.t <= m.sentAt) return { owed: true };
  return {
    owed: false,
    why: `published at ${at(m.sentAt)}, after the broker's exit (${at(exit.t)}) lost the observer's session (its reconnect at ${at(up.t)} got Session Present 0) and before the observer subscribed again${resub ? ` (${at(resub.t)})` : ""}: the broker had no subscriber for it`,
  };
}

/**
 * Whether the device's session outlives its connection at time `t`. The broker's word
 * decides when it logs CONNACKs: in 3.1.1 only a connection made with clean session 0 keeps
 * its session (a clean_init first connection does not, until the client reconnects unclean);
 * in 5 a session expiry above 0 keeps it whatever the clean start. Otherwise the client's
 * configuration is all there is.
 */
function isDeviceConnack(e: TimelineEvent, ctx: CheckContext): boolean {
  return isBroker(e, "connack") && e.client === ctx.client.client_id;
}

export function keptSession(events: readonly TimelineEvent[], ctx: CheckContext, t: number): boolean {
  let last: TimelineEvent | undefined;
  for (const e of events) {
    if (e.t > t) break;
    if (isBroker(e, "connack") && e.client === ctx.client.client_id) last = e;
  }
  if (ctx.protocol === "5") return ctx.client.session_expiry > 0;
  if (last) return last.cleanStart === false;
  return !ctx.client.clean;
}

/**
 * The broker's own word that it lost the device's session: it answered "session present 0"
 * to a reconnect that asked to keep it (clean start 0), after the message was queued.
 * Brokers that log their CONNACKs record `broker connack` events (mosquitto does).
 */
export function sessionLostByBroker(m: LedgerEntry, events: readonly TimelineEvent[], ctx: CheckContext): TimelineEvent | undefined {
  if (m.dir !== "down" || m.ackedAt === undefined) return undefined;
  return events.find(
    (e) =>
      isBroker(e, "connack") &&
      e.client === ctx.client.client_id &&
      e.cleanStart === false &&
      e.sessionPresent === false &&
      e.t >= m.ackedAt!,
  );
}

/**
 * A message queued while the device was away, whose next connection started clean, was
 * discarded with the session: MQTT 3.1.1 §3.1.2.4 (Clean Session 1 discards any existing
 * session) and MQTT 5 §3.1.2.4 (Clean Start 1 discards an existing session). That is what a
 * board does that boots with clean_init (its first connection after a power-on is clean): the
 * messages that piled up while it was off were never owed to it. Only messages sent while the
 * device was away count (a message the client dropped while connected stays owed), and only
 * when the broker's own CONNACK log says the very next connection was clean; a broker that
 * logs no CONNACK for the device falls back on the lab's record of the power-on and the
 * clean_init it booted with. Returns why the message was not owed, or undefined.
 */
export function wipedByCleanStart(m: LedgerEntry, events: readonly TimelineEvent[], ctx: CheckContext): string | undefined {
  if (m.dir !== "down") return undefined;
  // Away at the send: the device's latest sign of life before it is not `up`.
  let away: TimelineEvent | undefined;
  for (const e of events) {
    if (e.t > m.sentAt) break;
    if (isDevice(e, "up", "down", "exit")) away = e.kind === "up" ? undefined : e;
    else if (isLab(e, "device.power") && e.on === false) away = e;
  }
  if (!away) return undefined;
  const mine = (e: TimelineEvent) => isBroker(e, "connack") && e.client === ctx.client.client_id;
  const awayText = isLab(away) ? `powered off at ${at(away.t)}` : `${away.kind === "exit" ? "gone" : "down"} since ${at(away.t)}`;
  if (events.some(mine)) {
    const next = events.find((e) => e.t > m.sentAt && mine(e));
    if (next?.cleanStart !== true) return undefined;
    return `published at ${at(m.sentAt)} while the device was ${awayText}; its next connection (${at(next.t)}) started clean, which discards the session (MQTT §3.1.2.4)`;
  }
  const powerOn = events.find((e) => e.t > m.sentAt && isLab(e, "device.power") && e.on === true);
  if (!powerOn) return undefined;
  const overrides = (powerOn.overrides ?? {}) as { clean_init?: unknown };
  const cleanInit = typeof overrides.clean_init === "boolean" ? overrides.clean_init : ctx.client.clean_init;
  if (!cleanInit) return undefined;
  return `published at ${at(m.sentAt)} while the device was ${awayText}; it powered on at ${at(powerOn.t)} with clean_init, so its first connection started clean and discarded the session (MQTT §3.1.2.4)`;
}
