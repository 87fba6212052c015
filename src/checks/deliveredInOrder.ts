import type { Check } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { describe, receiptsOf, receiverName, type Receiver } from "./receipts.ts";
import { sameWire } from "../mqtt/values.ts";

export const deliveredInOrderChecker = defineChecker({
  name: "deliveredInOrder",
  group: "compliance",
  guarantee: "MQTT §4.6 (§4.9 when flow control holds messages back): exactly these payloads reach the receiver on the topic, each once, in publish order; a failure lists what arrived, in arrival order",
  bound: "judged after the drain",
  factory: deliveredInOrder,
  example: () => deliveredInOrder({ to: "device", topic: "t", payloads: ["a"] }),
});

/**
 * Exactly these payloads reached `to` on `topic`, each once, in this order (MQTT 5 §4.6 for
 * one sender on one topic; §4.9 when flow control holds messages back). The evidence for a
 * failure is every message the receiver got on the topic, in arrival order.
 */
export function deliveredInOrder(p: { to: Receiver; topic: string; payloads: unknown[]; guarantee?: string; name?: string }): Check {
  const who = receiverName(p.to);
  return {
    name: p.name ?? deliveredInOrderChecker.name,
    guarantee: p.guarantee ?? `MQTT §4.6: ${who} receives the ${p.payloads.length} messages on ${p.topic} once each, in publish order`,
    judge(events) {
      const got = receiptsOf(events, p.to).filter((r) => r.topic === p.topic);
      const ev = firstN(got.map((r, i) => ({ t: r.t, text: `#${i + 1} ${describe(r)}` })), 20);
      const missing = p.payloads.filter((w) => !got.some((r) => sameWire(r.payload, w)));
      const twice = p.payloads.filter((w) => got.filter((r) => sameWire(r.payload, w)).length > 1);
      const extra = got.filter((r) => !p.payloads.some((w) => sameWire(r.payload, w)));
      const problems: string[] = [];
      if (missing.length) problems.push(`missing ${missing.map((m) => JSON.stringify(m)).join(", ")}`);
      if (twice.length) problems.push(`more than once: ${twice.map((m) => JSON.stringify(m)).join(", ")}`);
      if (extra.length) problems.push(`unexpected: ${extra.map((r) => JSON.stringify(r.payload)).join(", ")}`);
      if (!problems.length) {
        const order = got.map((r) => p.payloads.findIndex((w) => sameWire(r.payload, w)));
        const inv = order.findIndex((x, i) => i > 0 && x < order[i - 1]!);
        if (inv > 0) problems.push(`out of order: ${JSON.stringify(got[inv]!.payload)} arrived after ${JSON.stringify(got[inv - 1]!.payload)}`);
      }
      if (problems.length) return { verdict: "fail", summary: `${who} on ${p.topic}: ${problems.join("; ")}`, evidence: ev };
      return { verdict: "pass", summary: `${who} received all ${p.payloads.length} messages on ${p.topic} once each, in order`, evidence: ev.slice(0, 3) };
    },
  };
}
