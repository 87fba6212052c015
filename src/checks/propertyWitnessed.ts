import type { Check } from "./check.ts";
import { defineChecker } from "./check.ts";
import { describe, receiptsOf, receiverName, type Receiver } from "./receipts.ts";

export const propertyWitnessedChecker = defineChecker({
  name: "propertyWitnessed",
  group: "compliance",
  guarantee: "a precondition, not a verdict on the client: a witness on the same broker saw the property on a message on the topic (the broker did exercise what the feature needs); `unknown`, never `pass`, when it did not",
  bound: "—",
  factory: propertyWitnessed,
  example: () => propertyWitnessed({ by: "observer", topic: "t", prop: "topicAlias", why: "no alias was ever sent" }),
});

/**
 * A precondition, not a verdict on the client: a witness on the same broker saw `prop` on a
 * message on `topic` (e.g. the broker does send Topic Aliases to clients that allow them).
 * `unknown` when it did not, with `why` saying what then went unexercised.
 */
export function propertyWitnessed(p: { by: Receiver; topic: string; prop: string; why: string; guarantee?: string; name?: string }): Check {
  const who = receiverName(p.by);
  return {
    name: p.name ?? propertyWitnessedChecker.name,
    guarantee: p.guarantee ?? `precondition: ${who} sees ${p.prop} on ${p.topic}`,
    judge(events) {
      const got = receiptsOf(events, p.by).filter((r) => r.topic === p.topic);
      const hit = got.filter((r) => p.prop in r.props);
      if (hit.length) return { verdict: "pass", summary: `${who} saw ${p.prop} on ${hit.length} of ${got.length} message(s)`, evidence: hit.slice(0, 3).map((r) => ({ t: r.t, text: describe(r) })) };
      return { verdict: "unknown", summary: `${who} saw no ${p.prop} on ${got.length} message(s) on ${p.topic}: ${p.why}`, evidence: got.slice(0, 3).map((r) => ({ t: r.t, text: describe(r) })) };
    },
  };
}
