import { at } from "../timeline/event.ts";
import type { Check } from "./check.ts";
import { defineChecker } from "./check.ts";
import { buildLedger } from "./ledger.ts";
import { faultSpans } from "./history.ts";

export const resumesPublishingChecker = defineChecker({
  name: "resumesPublishing",
  group: "resilience",
  guarantee: "after the last fault heals, N publishes are acknowledged *and* delivered",
  bound: "the scenario waits one reconnect cycle for them",
  factory: resumesPublishing,
});

/**
 * Client promise: after the last fault heals, the application's publishes flow again —
 * at least `n` new publishes acknowledged to the client *and* delivered to the observer.
 */
export function resumesPublishing(n = 3): Check {
  return {
    name: resumesPublishingChecker.name,
    guarantee: `at least ${n} publishes acknowledged and delivered after the last fault healed`,
    judge(events) {
      const spans = faultSpans(events);
      if (spans.length === 0) return { verdict: "unknown", summary: "no fault in this run", evidence: [] };
      const healedAt = Math.max(...spans.map((s) => s.to));
      if (healedAt === Infinity) return { verdict: "unknown", summary: "the last fault never healed", evidence: [] };
      const after = buildLedger(events).filter((m) => m.dir === "up" && m.sentAt >= healedAt);
      const ok = after.filter((m) => m.ackedAt !== undefined && m.deliveries.length > 0);
      if (ok.length >= n) {
        return {
          verdict: "pass",
          summary: `${ok.length} publishes acknowledged and delivered after the heal at ${at(healedAt)}`,
          evidence: [{ t: ok[0]!.ackedAt!, text: `first resumed publish ${ok[0]!.payload} acknowledged at ${at(ok[0]!.ackedAt!)}` }],
        };
      }
      return {
        verdict: "fail",
        summary: `only ${ok.length} of ${n} required publishes went through after the heal at ${at(healedAt)}`,
        evidence: [
          {
            t: healedAt,
            charged: "client",
            text: `after ${at(healedAt)}: ${after.length} publishes issued, ${after.filter((m) => m.ackedAt !== undefined).length} acknowledged, ${ok.length} delivered`,
          },
        ],
      };
    },
  };
}
