import { at } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { buildLedger, describe } from "./ledger.ts";

export const qos0AtMostOnceChecker = defineChecker({
  name: "qos0AtMostOnce",
  group: "resilience",
  guarantee: "QoS 0, MQTT §4.3.1: a QoS 0 message is never delivered more than once (losing it is allowed)",
  bound: "—",
  factory: qos0AtMostOnce,
});

/**
 * MQTT 3.1.1 / v5 §4.3.1 (QoS 0, at most once): a QoS 0 message is sent once and never
 * retried, so it reaches each subscriber at most once — it may be lost, never duplicated.
 * A second delivery means the client sent it twice (device→observer) or handed it to the
 * application twice (observer→device): charged to the client either way.
 */
export function qos0AtMostOnce(): Check {
  return {
    name: qos0AtMostOnceChecker.name,
    guarantee: qos0AtMostOnceChecker.guarantee,
    judge(events) {
      const qos0 = buildLedger(events).filter((m) => m.qos === 0);
      if (qos0.length === 0) return { verdict: "unknown", summary: "no QoS 0 message was sent: nothing to judge", evidence: [] };
      const delivered = qos0.filter((m) => m.deliveries.length > 0);
      // Without a single delivery the receiver saw nothing, duplicates included.
      if (delivered.length === 0) {
        return { verdict: "unknown", summary: `none of ${qos0.length} QoS 0 messages reached the receiver: a duplicate could not have been seen`, evidence: [] };
      }
      const evidence: Evidence[] = delivered
        .filter((m) => m.deliveries.length > 1)
        .map((m) => ({
          t: m.deliveries[1]!,
          charged: "client" as const,
          seq: m.seq,
          topic: m.topic,
          text: `${describe(m)} (QoS 0) sent at ${at(m.sentAt)}, delivered ${m.deliveries.length} times: ${m.deliveries.map(at).join(", ")}`,
        }));
      if (evidence.length > 0) {
        return { verdict: "fail", summary: `${evidence.length} of ${delivered.length} delivered QoS 0 messages arrived more than once`, evidence: firstN(evidence) };
      }
      return {
        verdict: "pass",
        summary: `each of ${delivered.length} delivered QoS 0 messages arrived once (${qos0.length - delivered.length} of ${qos0.length} lost, which QoS 0 allows)`,
        evidence: [],
      };
    },
  };
}
