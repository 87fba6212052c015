import { at, type TimelineEvent } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker } from "./check.ts";
import type { CheckContext } from "./context.ts";
import { buildLedger, nameOf, type LedgerEntry } from "./ledger.ts";
import { faultSpans, isClientStart } from "./history.ts";
import { asksToKeepSession } from "./session.ts";
import { isBroker, isDevice, isDeviceOp, isDeviceUp } from "../timeline/is.ts";

export const subscriptionsSurviveChecker = defineChecker({
  name: "subscriptionsSurvive",
  group: "resilience",
  guarantee: "after each fault, once the client is up again, a publish from the observer to a topic it holds reaches it (renewed subscriptions; its own ones only in a kept session)",
  bound: "publishes later than one response time after the up must not all be missed",
  factory: subscriptionsSurvive,
});

/**
 * Client promise (MQTT §4.1 sessions, §3.8 SUBSCRIBE): after a fault heals and the client is
 * up again it still receives what it subscribed to — from the session it kept, or because it
 * subscribed again on a clean one. Held per fault: at least one observer publish issued after
 * the client's next `up` reaches the client. The subscriptions in `ctx.client.subs` are
 * renewed by the application at every up; ones the scenario made itself must survive only in
 * a kept session that no non-durable broker exit or clean restart wiped. Publishes within one
 * response time of the up may precede the renewed SUBACK, so they can only count for the client.
 */
export function subscriptionsSurvive(): Check {
  return {
    name: subscriptionsSurviveChecker.name,
    guarantee: subscriptionsSurviveChecker.guarantee,
    judge(events, ctx) {
      const spans = faultSpans(events).filter((f) => f.to !== Infinity);
      if (spans.length === 0) return { verdict: "unknown", summary: "no fault healed in this run: no reconnect to survive", evidence: [] };
      const ups = events.filter(isDeviceUp);
      const sent = buildLedger(events).filter((m) => m.dir === "down" && m.failedAt === undefined);
      const graceMs = resubscribeGraceMs(ctx.client);
      const evidence: Evidence[] = [];
      let judged = 0;
      let failed = 0;
      for (const [i, f] of spans.entries()) {
        const nextFault = spans[i + 1]?.from ?? Infinity;
        const up = ups.find((u) => u.t > f.from && u.t < nextFault);
        if (!up) {
          evidence.push({ t: f.to, text: `${f.fault} at ${at(f.from)}: the client was not up again before the next fault or the end (reconnectsWithin judges that)` });
          continue;
        }
        const filters = heldFilters(events, ctx, up.t);
        const owed = sent.filter((m) => m.sentAt > up.t && m.sentAt < nextFault && filters.some((flt) => topicMatches(flt, m.topic)));
        const got = owed.find((m) => m.deliveries.length > 0);
        if (got) {
          judged++;
          evidence.push({ t: got.deliveries[0]!, text: `after ${f.fault} (healed ${at(f.to)}), client up at ${at(up.t)}; ${nameOf(got)} on ${got.topic} published at ${at(got.sentAt)} arrived at ${at(got.deliveries[0]!)}` });
          continue;
        }
        const late = owed.filter((m) => m.sentAt > up.t + graceMs);
        if (late.length === 0) {
          evidence.push({ t: up.t, text: `after ${f.fault}, client up at ${at(up.t)}; the observer published nothing it subscribes to ${owed.length ? `later than one response time (${graceMs} ms) after the up` : "after the up"}` });
          continue;
        }
        judged++;
        failed++;
        evidence.push({
          t: up.t,
          charged: "client",
          text: `after ${f.fault} (healed ${at(f.to)}), client up at ${at(up.t)} but never received ${list(late)} published to it from ${at(late[0]!.sentAt)} on`,
        });
      }
      if (failed) return { verdict: "fail", summary: `the client stopped receiving after ${failed} of ${judged} reconnect(s)`, evidence };
      if (judged === 0) return { verdict: "unknown", summary: "no reconnect was followed by a publish that could show the subscriptions", evidence };
      return { verdict: "pass", summary: `the client received again after each of ${judged} reconnect(s)`, evidence };
    },
  };
}

/**
 * After the client's `up`, how long its renewed SUBACK may still be under way (one response
 * time): a publish in that time can only count for the client, never against it.
 */
export function resubscribeGraceMs(client: { response_time: number }): number {
  return client.response_time * 1000;
}

/**
 * How long after the client's `up` the observer must go on publishing to it for this checker
 * to have a publish to judge: the grace above and a second more.
 */
export function subscriptionsSurviveWindowMs(client: { response_time: number }): number {
  return resubscribeGraceMs(client) + 1000;
}

/** Topic filters the client should hold once it is up at `upAt`. */
function heldFilters(events: readonly TimelineEvent[], ctx: CheckContext, upAt: number): string[] {
  const renewed = ctx.client.subs.map(([topic]) => topic);
  if (!asksToKeepSession(ctx.client)) return renewed;
  // A scenario's own subscriptions live in the session: a non-durable broker's exit wipes
  // them, and so does a restarted client whose first connection is clean (clean_init).
  const ops = new Map<unknown, TimelineEvent>();
  const own = new Set<string>();
  for (const e of events) {
    if (e.t >= upAt) break;
    if (isDeviceOp(e) && (e.op === "subscribe" || e.op === "unsubscribe")) ops.set(e.id, e);
    const op = isDevice(e, "ack") && e.ok === true ? ops.get(e.id) : undefined;
    if (op?.op === "subscribe") own.add(String(op.topic));
    if (op?.op === "unsubscribe") own.delete(String(op.topic));
    if ((isBroker(e, "exit") && !ctx.broker.durable) || (isClientStart(e) && ctx.client.clean_init)) own.clear();
  }
  return [...renewed, ...own];
}

/** MQTT §4.7 topic filter matching ('+' one level, '#' the rest). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true;
    if (i >= t.length || (f[i] !== "+" && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

function list(ms: LedgerEntry[]): string {
  const names = ms.slice(0, 5).map(nameOf).join(", ");
  return ms.length > 5 ? `${names} and ${ms.length - 5} more` : names;
}
