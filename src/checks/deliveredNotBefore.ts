import type { TimelineEvent } from "../timeline/event.ts";
import { at } from "../timeline/event.ts";
import type { Check } from "./check.ts";
import { defineChecker } from "./check.ts";
import { describe, receiptsOf, receiverName, type Receiver } from "./receipts.ts";
import { sameWire } from "../mqtt/values.ts";

/** Which event starts the clock: the latest one of this source and kind (with these fields) before the receipt. */
export interface Anchor {
  src: TimelineEvent["src"];
  kind: string;
  where?: Record<string, unknown>;
  /** For sentences: "the device lost power". */
  what: string;
}

export const deliveredNotBeforeChecker = defineChecker({
  name: "deliveredNotBefore",
  group: "compliance",
  guarantee: "MQTT 5 §3.1.3.2.2: a message (a will with a Will Delay Interval) reaches the receiver no earlier than the delay after its anchor (the connection's end, as the lab recorded it)",
  bound: "the delay after the anchor; when given, at most `withinMs` later",
  factory: deliveredNotBefore,
  example: () => deliveredNotBefore({ to: "observer", topic: "t", anchor: { src: "device", kind: "exit", what: "the device lost power" }, delayMs: 1000 }),
});

/**
 * A message reached `to` no earlier than `delayMs` after the anchor (MQTT 5 §3.1.3.2.2: the
 * Will Delay Interval), and, when `withinMs` is given, no later than delayMs + withinMs after it.
 * The broker sees the anchor (a closed connection) after the lab recorded it, never before, so
 * an earlier delivery is the broker's haste, not the lab's clock.
 */
export function deliveredNotBefore(p: { to: Receiver; topic: string; payload?: unknown; anchor: Anchor; delayMs: number; withinMs?: number; guarantee?: string; name?: string }): Check {
  const who = receiverName(p.to);
  return {
    name: p.name ?? deliveredNotBeforeChecker.name,
    guarantee: p.guarantee ?? `${who} receives ${p.topic} no earlier than ${p.delayMs} ms after ${p.anchor.what}`,
    judge(events) {
      const got = receiptsOf(events, p.to).filter((r) => r.topic === p.topic && (p.payload === undefined || sameWire(r.payload, p.payload)));
      const first = got[0];
      const isAnchor = (e: TimelineEvent) => e.src === p.anchor.src && e.kind === p.anchor.kind && Object.entries(p.anchor.where ?? {}).every(([k, v]) => sameWire(e[k], v));
      const anchor = events.filter((e) => isAnchor(e) && (!first || e.t <= first.t)).at(-1);
      if (!anchor) return { verdict: "unknown", summary: `${p.anchor.what} is not on the timeline${first ? " before the message" : ""}`, evidence: first ? [{ t: first.t, text: describe(first) }] : [] };
      const lead = { t: anchor.t, text: `${p.anchor.what} at ${at(anchor.t)}` };
      if (!first) return { verdict: "fail", summary: `${who} never received ${p.topic} after ${p.anchor.what}`, evidence: [lead] };
      const dt = first.t - anchor.t;
      const ev = [lead, { t: first.t, text: `${describe(first)} — ${dt.toFixed(0)} ms after it` }];
      if (dt < p.delayMs) return { verdict: "fail", summary: `${who} received ${p.topic} ${dt.toFixed(0)} ms after ${p.anchor.what}: ${(p.delayMs - dt).toFixed(0)} ms before the ${p.delayMs} ms delay was over`, evidence: ev };
      if (p.withinMs !== undefined && dt > p.delayMs + p.withinMs)
        return { verdict: "fail", summary: `${who} received ${p.topic} ${dt.toFixed(0)} ms after ${p.anchor.what}, later than the delay + ${p.withinMs} ms`, evidence: ev };
      return { verdict: "pass", summary: `${who} received ${p.topic} ${dt.toFixed(0)} ms after ${p.anchor.what} (delay ${p.delayMs} ms)`, evidence: ev };
    },
  };
}
