import { at } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { buildLedger, describe, redeliveryCause } from "./ledger.ts";
import { reconnects } from "./history.ts";

export const noDuplicatesBeyondDupChecker = defineChecker({
  name: "noDuplicatesBeyondDup",
  group: "resilience",
  guarantee: "QoS 1, MQTT §4.3.2/§4.4: a second delivery only as a resend — the sender reconnected or the broker restarted after the message was sent, or the receiver reconnected after the previous delivery (3.1.1 also: a device publish unanswered past its response time may be resent with DUP). The observer cannot see the device's DUP flag, so this is its observable form",
  bound: "—",
  factory: noDuplicatesBeyondDup,
});

/**
 * MQTT 3.1.1 / v5 §4.3.2 and §4.4: a QoS 1 message may arrive twice only because it was
 * resent — with DUP set — when an unacknowledged PUBLISH had to be retried, which MQTT does
 * on a reconnect (v5 §4.4: at no other time). The observer cannot see the device's own DUP
 * flag (the broker sets DUP on what it forwards independently, §3.3.1.1), so this holds the
 * observable form: a duplicate is allowed only when a redelivery was possible — the sender
 * reconnected or the broker restarted after the message was sent, or the receiver
 * reconnected after its previous delivery (and, under 3.1.1, while a device publish was
 * still unanswered past its response time). Any other duplicate is the client's.
 * QoS 2 (exactly once) is not judged here.
 */
export function noDuplicatesBeyondDup(): Check {
  return {
    name: noDuplicatesBeyondDupChecker.name,
    guarantee: noDuplicatesBeyondDupChecker.guarantee,
    judge(events, ctx) {
      const delivered = buildLedger(events).filter((m) => m.qos === 1 && m.deliveries.length > 0);
      if (delivered.length === 0) return { verdict: "unknown", summary: "no QoS 1 message was delivered: no duplicate could be seen", evidence: [] };
      const r = reconnects(events);
      const v311 = ctx.protocol === "3.1.1" ? { responseTimeMs: ctx.client.response_time * 1000 } : undefined;
      const unexplained: Evidence[] = [];
      const explained: Evidence[] = [];
      for (const m of delivered) {
        for (let i = 1; i < m.deliveries.length; i++) {
          const prev = m.deliveries[i - 1]!;
          const again = m.deliveries[i]!;
          const cause = redeliveryCause(m, prev, again, r, v311);
          const base = { t: again, seq: m.seq, topic: m.topic, dir: m.dir };
          if (cause) explained.push({ ...base, text: `${describe(m)} delivered at ${at(prev)} and again at ${at(again)}: a resend, ${cause}` });
          else {
            unexplained.push({
              ...base,
              charged: "client",
              text: `${describe(m)} sent at ${at(m.sentAt)}, delivered at ${at(prev)} and again at ${at(again)} with no reconnect of either side or broker restart in between: no resend was due`,
            });
          }
        }
      }
      if (unexplained.length > 0) {
        return {
          verdict: "fail",
          summary: `${unexplained.length} duplicate deliveries of QoS 1 messages without a possible resend`,
          evidence: firstN([...unexplained, ...explained]),
        };
      }
      return {
        verdict: "pass",
        summary: explained.length
          ? `${explained.length} duplicate deliveries among ${delivered.length} delivered QoS 1 messages, each after a reconnect`
          : `each of ${delivered.length} delivered QoS 1 messages arrived once`,
        evidence: firstN(explained),
      };
    },
  };
}
