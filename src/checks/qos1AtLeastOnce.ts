import { at } from "../timeline/event.ts";
import type { Check } from "./check.ts";
import { defineChecker } from "./check.ts";
import { buildLedger, describe } from "./ledger.ts";
import { judgeAcknowledged } from "./noLostAcknowledged.ts";

export const qos1AtLeastOnceChecker = defineChecker({
  name: "qos1AtLeastOnce",
  group: "resilience",
  guarantee: "QoS 1, MQTT §4.3.2, on the ledger: every QoS 1 message acknowledged to a sender that did not give up on it arrives at least once; losses charged as for `noLostAcknowledged`, given-up messages listed as not owed",
  bound: "after a drain of max(3 s, response time)",
  factory: qos1AtLeastOnce,
});

/**
 * MQTT 3.1.1 / v5 §4.3.2 (QoS 1, at least once), stated on the ledger: every QoS 1 message
 * its sender was told was acknowledged — so one it did not give up on — is delivered at least
 * once. Losses are charged exactly as noLostAcknowledged charges them (same judgement, QoS 1
 * only); messages the sender gave up on (its publish failed) promise nothing and are listed.
 */
export function qos1AtLeastOnce(): Check {
  return {
    name: qos1AtLeastOnceChecker.name,
    guarantee: qos1AtLeastOnceChecker.guarantee,
    judge(events, ctx) {
      const result = judgeAcknowledged(events, ctx, { label: "QoS 1", qos: (q) => q === 1 });
      const gaveUp = buildLedger(events).filter((m) => m.qos === 1 && m.failedAt !== undefined && m.deliveries.length === 0);
      if (gaveUp.length === 0) return result;
      return {
        ...result,
        summary: `${result.summary}; ${gaveUp.length} given up by their sender, not owed`,
        evidence: [
          ...result.evidence,
          {
            t: gaveUp[0]!.failedAt!,
            text: `${describe(gaveUp[0]!)} given up by its sender at ${at(gaveUp[0]!.failedAt!)} (${gaveUp[0]!.failure}), never delivered: allowed${gaveUp.length > 1 ? ` (and ${gaveUp.length - 1} more)` : ""}`,
          },
        ],
      };
    },
  };
}
