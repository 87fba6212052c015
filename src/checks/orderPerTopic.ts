import { at } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { buildLedger, describe, inversions, nameOf, redeliveryCause } from "./ledger.ts";
import { reconnects } from "./history.ts";

export const orderPerTopicChecker = defineChecker({
  name: "orderPerTopic",
  group: "resilience",
  guarantee: "MQTT §4.6: QoS 1 messages from one sender on one topic arrive in publish order; only a resend after a reconnect may repeat older ones. Fails on the first inversion, with both seq numbers and times",
  bound: "—",
  factory: orderPerTopic,
});

/**
 * MQTT 3.1.1 / v5 §4.6 (message ordering): QoS 1 messages one client publishes on one topic
 * reach a subscriber in the order they were published — the client resends in the original
 * order and the broker forwards each topic in the order it received. The one exception: a
 * resend after a reconnect may repeat messages already delivered (an older one arriving
 * again). A message arriving for the first time after one sent later, or a repeat with no
 * possible resend, is an inversion; the first is reported with both seq numbers and times.
 */
export function orderPerTopic(): Check {
  return {
    name: orderPerTopicChecker.name,
    guarantee: orderPerTopicChecker.guarantee,
    judge(events, ctx) {
      const ledger = buildLedger(events).filter((m) => m.qos === 1);
      const delivered = new Map<string, number>();
      for (const m of ledger) if (m.deliveries.length > 0) delivered.set(`${m.dir} ${m.topic}`, (delivered.get(`${m.dir} ${m.topic}`) ?? 0) + 1);
      const pairs = [...delivered.values()].filter((n) => n >= 2);
      if (pairs.length === 0) return { verdict: "unknown", summary: "no topic had two QoS 1 messages from one sender delivered: no order to judge", evidence: [] };
      const r = reconnects(events);
      const v311 = ctx.protocol === "3.1.1" ? { responseTimeMs: ctx.client.response_time * 1000 } : undefined;
      const allowed: Evidence[] = [];
      for (const inv of inversions(ledger)) {
        const prevAt = inv.prevAt;
        const cause = prevAt !== undefined ? redeliveryCause(inv.late, prevAt, inv.lateAt, r, v311) : undefined;
        const what = `${describe(inv.late)} delivered at ${at(inv.lateAt)} after ${nameOf(inv.newer)} (sent later, at ${at(inv.newer.sentAt)}) had arrived at ${at(inv.newerAt)}`;
        if (cause) {
          allowed.push({ t: inv.lateAt, text: `${what}: a repeat, ${cause}` });
          continue;
        }
        return {
          verdict: "fail",
          summary: `QoS 1 messages on ${inv.late.topic} delivered out of order: ${nameOf(inv.late)} after ${nameOf(inv.newer)}`,
          evidence: [
            {
              t: inv.lateAt,
              charged: "client",
              seq: inv.late.seq,
              after: inv.newer.seq,
              topic: inv.late.topic,
              text: `${what}${prevAt !== undefined ? `; a repeat (delivered before at ${at(prevAt)}) with no reconnect or broker restart in between` : ", its first arrival"}`,
            },
          ],
        };
      }
      return {
        verdict: "pass",
        summary: `QoS 1 deliveries in publish order on ${pairs.length} sender/topic pair(s)${allowed.length ? `, ${allowed.length} older message(s) repeated after a reconnect` : ""}`,
        evidence: firstN(allowed, 5),
      };
    },
  };
}
