import type { Check } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { describe, receiptsOf, receiverName, type Receiver } from "./receipts.ts";
import { sameWire } from "../mqtt/values.ts";

export const sharedOnceChecker = defineChecker({
  name: "sharedOnce",
  group: "compliance",
  guarantee: "MQTT 5 §4.8.2: every message to a Shared Subscription reaches exactly one member, once, on the real topic; a member given nothing leaves its client `unknown` (the spec asks no even split)",
  bound: "judged after the drain",
  factory: sharedOnce,
  example: () => sharedOnce({ members: ["device", "peer:p"], topic: "t", payloads: ["a"] }),
});

/**
 * MQTT 5 §4.8.2: messages to a Shared Subscription go to one member each. Every payload reached
 * exactly one of `members` exactly once, on the real topic. A member the broker gave nothing
 * to leaves its client unjudged: `unknown` (the spec does not require an even split).
 */
export function sharedOnce(p: { members: Receiver[]; topic: string; payloads: unknown[]; guarantee?: string; name?: string }): Check {
  return {
    name: p.name ?? sharedOnceChecker.name,
    guarantee: p.guarantee ?? `MQTT 5 §4.8.2: each of the ${p.payloads.length} messages on ${p.topic} reaches exactly one member of the shared subscription, once`,
    judge(events) {
      const per = p.members.map((m) => ({ m, got: receiptsOf(events, m).filter((r) => r.topic === p.topic) }));
      const evidence = firstN(
        per.flatMap(({ m, got }) => [{ text: `${receiverName(m)}: ${got.length} message(s) ${got.map((r) => JSON.stringify(r.payload)).join(" ")}` }, ...got.slice(0, 2).map((r) => ({ t: r.t, text: `${receiverName(m)} ${describe(r)}` }))]),
        20,
      );
      const problems: string[] = [];
      for (const w of p.payloads) {
        const n = per.reduce((a, { got }) => a + got.filter((r) => sameWire(r.payload, w)).length, 0);
        if (n === 0) problems.push(`${JSON.stringify(w)} reached no member`);
        else if (n > 1) problems.push(`${JSON.stringify(w)} delivered ${n} times (${per.filter(({ got }) => got.some((r) => sameWire(r.payload, w))).map(({ m }) => receiverName(m)).join(", ")})`);
      }
      for (const { m, got } of per) for (const r of got) if (!p.payloads.some((w) => sameWire(r.payload, w))) problems.push(`${receiverName(m)} got unexpected ${JSON.stringify(r.payload)}`);
      if (problems.length) return { verdict: "fail", summary: `shared subscription on ${p.topic}: ${problems.slice(0, 3).join("; ")}${problems.length > 3 ? ` (+${problems.length - 3})` : ""}`, evidence };
      const idle = per.filter(({ got }) => got.length === 0);
      if (idle.length) return { verdict: "unknown", summary: `every message once, but the broker gave ${idle.map(({ m }) => receiverName(m)).join(", ")} none, so its handling was not exercised`, evidence };
      return { verdict: "pass", summary: `each of the ${p.payloads.length} messages reached exactly one member once (${per.map(({ m, got }) => `${receiverName(m)} ${got.length}`).join(", ")})`, evidence };
    },
  };
}
