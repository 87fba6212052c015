import type { Check } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { describe, receiptsOf, receiverName, type Receiver } from "./receipts.ts";
import { sameWire } from "../mqtt/values.ts";

export const subscriptionIdsCoverChecker = defineChecker({
  name: "subscriptionIdsCover",
  group: "compliance",
  guarantee: "MQTT 5 §3.3.4 (MQTT-3.3.4-3/4/5): a message matching several subscriptions that carry Subscription Identifiers arrives with exactly their identifiers, none foreign — in one PUBLISH or one per subscription",
  bound: "at most one copy per identifier",
  factory: subscriptionIdsCover,
  example: () => subscriptionIdsCover({ to: "device", topic: "t", payload: "x", ids: [1, 2] }),
});

/**
 * MQTT 5 §3.3.4 (MQTT-3.3.4-3/4/5): a message matching several of a client's subscriptions
 * that carry Subscription Identifiers arrives either as one PUBLISH holding all their
 * identifiers, or as one PUBLISH per subscription, each with its own. Either way the
 * identifiers the receiver got for it are exactly `ids`, none foreign, in at most ids.length copies.
 */
export function subscriptionIdsCover(p: { to: Receiver; topic: string; payload: unknown; ids: number[]; guarantee?: string; name?: string }): Check {
  const who = receiverName(p.to);
  return {
    name: p.name ?? subscriptionIdsCoverChecker.name,
    guarantee: p.guarantee ?? `MQTT 5 §3.3.4: ${who} gets ${p.topic} with Subscription Identifiers ${p.ids.join(", ")} — in one copy or one per subscription`,
    judge(events) {
      const copies = receiptsOf(events, p.to).filter((r) => r.topic === p.topic && sameWire(r.payload, p.payload));
      const ev = firstN(copies.map((r) => ({ t: r.t, text: describe(r) })));
      if (!copies.length) return { verdict: "fail", summary: `${who} never received ${p.topic} ${JSON.stringify(p.payload)}`, evidence: [] };
      const per = copies.map((r) => {
        const v = r.props.subscriptionIdentifier;
        return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(Number);
      });
      const got = per.flat();
      const want = [...p.ids].sort((a, b) => a - b);
      const problems: string[] = [];
      const foreign = got.filter((i) => !want.includes(i));
      const missing = want.filter((i) => !got.includes(i));
      if (missing.length) problems.push(`identifier(s) ${missing.join(", ")} missing`);
      if (foreign.length) problems.push(`identifier(s) ${foreign.join(", ")} not asked for`);
      if (copies.length > want.length) problems.push(`${copies.length} copies for ${want.length} subscriptions`);
      if (per.some((ids) => ids.length === 0)) problems.push("a copy without any Subscription Identifier");
      if (problems.length) return { verdict: "fail", summary: `${who}: ${problems.join("; ")} (copies carried ${per.map((x) => `[${x.join(",")}]`).join(" ")})`, evidence: ev };
      return { verdict: "pass", summary: `${who} got identifiers ${want.join(", ")} in ${copies.length} cop${copies.length === 1 ? "y" : "ies"}`, evidence: ev };
    },
  };
}
