import { at, type TimelineEvent } from "../timeline/event.ts";
import type { CheckContext } from "../scenario/dsl.ts";
import type { LedgerEntry } from "./ledger.ts";

/**
 * Which observer→device messages the broker owed the device. MQTT delivers a message to the
 * subscriptions that exist when the broker receives it (§3.3.4): a message published before
 * the device's subscription was confirmed, or while a device without a kept session was
 * away, was never owed to it — losing it is nobody's fault and no checker may count it.
 */
export type Owed = { owed: true } | { owed: false; why: string };

export function owedToDevice(m: LedgerEntry, events: readonly TimelineEvent[], ctx: CheckContext): Owed {
  if (m.dir !== "down") return { owed: true };
  const subs = events.filter((e) => e.src === "device" && e.kind === "subscribed" && e.topic === m.topic);
  const first = subs[0];
  // The broker took the message somewhere between the observer's send and its PUBACK; only a
  // subscription confirmed before the send is certainly in place.
  if (!first || first.t > m.sentAt) {
    return { owed: false, why: `published at ${at(m.sentAt)}, before the device's subscription to ${m.topic} was confirmed${first ? ` (${at(first.t)})` : ""}` };
  }
  if (!keptSession(events, ctx, m.sentAt)) {
    // Without a kept session, a subscription lasts one connection: owed only while the
    // device was up and subscribed again since its last outage.
    const lastDown = events.filter((e) => e.src === "device" && (e.kind === "down" || e.kind === "exit") && e.t <= (m.ackedAt ?? m.sentAt)).pop();
    if (lastDown) {
      const resub = subs.find((s) => s.t > lastDown.t);
      if (!resub || resub.t > m.sentAt) {
        return { owed: false, why: `published at ${at(m.sentAt)} while the device, whose session was not kept, was away since ${at(lastDown.t)}` };
      }
    }
  }
  return { owed: true };
}

/**
 * Whether the device's session outlives its connection at time `t`. The broker's word
 * decides when it logs CONNACKs: in 3.1.1 only a connection made with clean session 0 keeps
 * its session (a clean_init first connection does not, until the client reconnects unclean);
 * in 5 a session expiry above 0 keeps it whatever the clean start. Otherwise the client's
 * configuration is all there is.
 */
export function keptSession(events: readonly TimelineEvent[], ctx: CheckContext, t: number): boolean {
  let last: TimelineEvent | undefined;
  for (const e of events) {
    if (e.t > t) break;
    if (e.src === "broker" && e.kind === "connack" && e.client === ctx.client.client_id) last = e;
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
      e.src === "broker" &&
      e.kind === "connack" &&
      e.client === ctx.client.client_id &&
      e.cleanStart === false &&
      e.sessionPresent === false &&
      e.t > m.ackedAt!,
  );
}
