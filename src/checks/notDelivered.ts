import type { Check } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { describe, receiptsOf, receiverName, type Receiver } from "./receipts.ts";
import { isLab } from "../timeline/is.ts";

export const notDeliveredChecker = defineChecker({
  name: "notDelivered",
  group: "compliance",
  guarantee: "nothing on a topic reaches the named receiver during the whole run (a will after a clean DISCONNECT, a No Local echo, `$SYS` through `#`); `unknown`, never `pass`, on a run cut short",
  bound: "the whole run, which waits at least one response time after the act",
  factory: notDelivered,
  example: () => notDelivered({ to: "device", topic: "t" }),
});

/**
 * Nothing on `topic` (with `payload`, when given) reached `to` during the whole run: a will
 * after a clean DISCONNECT, a message to an unsubscribed topic, `$SYS` through `#`, a
 * No Local echo. It passes only on a run that got to its end (expectationsMet says so), so
 * a run cut short cannot pass for silence.
 */
export function notDelivered(p: { to: Receiver; topic: string; payload?: unknown; guarantee?: string; name?: string; topicPrefix?: boolean }): Check {
  const who = receiverName(p.to);
  return {
    name: p.name ?? notDeliveredChecker.name,
    guarantee: p.guarantee ?? `${who} never receives ${p.topic}`,
    judge(events) {
      const ended = events.some((e) => isLab(e, "scenario.end"));
      const stopped = events.some((e) => isLab(e, "expectation.failed", "error"));
      const hits = receiptsOf(events, p.to).filter(
        (r) => (p.topicPrefix ? r.topic.startsWith(p.topic) : r.topic === p.topic) && (p.payload === undefined || JSON.stringify(r.payload) === JSON.stringify(p.payload)),
      );
      if (hits.length)
        return {
          verdict: "fail",
          summary: `${who} received ${hits.length} message(s) on ${p.topic}${p.topicPrefix ? "…" : ""} it must not`,
          evidence: firstN(hits.map((r) => ({ t: r.t, text: describe(r) }))),
        };
      if (!ended || stopped) return { verdict: "unknown", summary: "the run did not get to its end, so silence proves nothing", evidence: [] };
      return { verdict: "pass", summary: `${who} received nothing on ${p.topic}${p.topicPrefix ? "…" : ""}`, evidence: [] };
    },
  };
}
