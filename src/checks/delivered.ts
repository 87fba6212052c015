import type { Check } from "./check.ts";
import { firstN } from "./check.ts";
import { describe, differences, receiptsOf, receiverName, type Receiver, type ReceiptSpec } from "./receipts.ts";

/**
 * A message reached `to` exactly as wanted — topic, payload, QoS, retain flag and properties
 * compared exactly — `count` times (default: at least once). The evidence for a failure is
 * every message that receiver got on that topic, with what differed.
 */
export function delivered(want: ReceiptSpec & { to: Receiver; count?: number; guarantee?: string; name?: string }): Check {
  const who = receiverName(want.to);
  return {
    name: want.name ?? "delivered",
    guarantee: want.guarantee ?? `${who} receives ${want.topic} as published`,
    judge(events) {
      const all = receiptsOf(events, want.to);
      const onTopic = all.filter((r) => r.topic === want.topic);
      const exact = onTopic.filter((r) => differences(r, want).length === 0);
      const wantCount = want.count;
      const ok = wantCount === undefined ? exact.length > 0 : exact.length === wantCount;
      const what = `${who} receives ${want.topic}${want.payload !== undefined ? ` ${JSON.stringify(want.payload)}` : ""}`;
      if (ok) return { verdict: "pass", summary: `${what}: ${exact.length} matching deliver${exact.length === 1 ? "y" : "ies"}`, evidence: exact.slice(0, 3).map((r) => ({ t: r.t, text: describe(r) })) };
      const evidence = onTopic.length
        ? onTopic.map((r) => {
            const d = differences(r, want);
            return { t: r.t, text: `${describe(r)}${d.length ? ` — ${d.join("; ")}` : " — matches"}` };
          })
        : [{ text: `${who} received nothing on ${want.topic} (${all.length} message${all.length === 1 ? "" : "s"} on other topics)` }];
      const summary =
        wantCount !== undefined && exact.length > 0
          ? `${what}: ${exact.length} matching deliveries, wanted exactly ${wantCount}`
          : onTopic.length
            ? `${what}: ${onTopic.length} message(s) on the topic, none as published`
            : `${what}: never arrived`;
      return { verdict: "fail", summary, evidence: firstN(evidence) };
    },
  };
}
