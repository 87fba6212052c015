import { at } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker } from "./check.ts";
import { clientComplaint, faultSpans, quoteComplaint } from "./history.ts";
import { isDevice, isDeviceUp } from "../timeline/is.ts";

export const reconnectsWithinChecker = defineChecker({
  name: "reconnectsWithin",
  group: "resilience",
  guarantee: "after each fault heals, the client reports up again",
  bound: "2 × reconnect cycle + 2 s; cycle = the client's reconnect pause + its WiFi-stability wait + its response time (mqtt_as, response 3 s: 2 + 5 + 3 = 10 s → 22 s)",
  factory: reconnectsWithin,
});

/**
 * Client promise: after a fault heals, the client is connected again within `boundMs`.
 * The default bound comes from the client's own settings (ctx.bounds.reconnectAfterHealMs:
 * the reconnect attempt in flight when the fault heals may fail, the next one must not).
 */
export function reconnectsWithin(boundMs?: number, why?: string): Check {
  return {
    name: reconnectsWithinChecker.name,
    guarantee: reconnectsWithinChecker.guarantee,
    judge(events, ctx) {
      const bound = boundMs ?? ctx.bounds.reconnectAfterHealMs;
      const reason = why ?? `2 × (reconnect cycle ${ctx.bounds.reconnectCycleMs} ms)`;
      const spans = faultSpans(events);
      if (spans.length === 0) return { verdict: "unknown", summary: "no fault in this run: nothing to reconnect from", evidence: [] };
      const ups = events.filter(isDeviceUp);
      const downs = events.filter((e) => isDevice(e, "down", "exit"));
      let judged = 0;
      const evidence: Evidence[] = [];
      let failed = false;
      for (const f of spans) {
        if (f.to === Infinity) {
          evidence.push({ t: f.from, text: `${f.fault} at ${at(f.from)} never healed: cannot judge the reconnect` });
          continue;
        }
        // A fault the client rode out without losing its connection (a slow link, a short
        // stall) asks for no reconnect: nothing to judge for that span.
        if (!downs.some((d) => d.t >= f.from && d.t <= f.to + bound)) {
          evidence.push({ t: f.from, text: `${f.fault} ${at(f.from)}–${at(f.to)}: the client stayed connected through it` });
          continue;
        }
        judged++;
        const up = ups.find((u) => u.t > f.from);
        if (!up || up.t - f.to > bound) {
          failed = true;
          evidence.push({
            t: f.to,
            charged: "client",
            text: up
              ? `${f.fault} healed at ${at(f.to)}; client up only at ${at(up.t)} (${Math.round(up.t - f.to)} ms > bound ${bound} ms = ${reason})`
              : `${f.fault} healed at ${at(f.to)}; client never reported up again (bound ${bound} ms = ${reason})${quoteComplaint(clientComplaint(events, f.to, Infinity))}`,
          });
        } else {
          evidence.push({
            t: up.t,
            text: `${f.fault} healed at ${at(f.to)}; client up at ${at(up.t)} (${Math.max(0, Math.round(up.t - f.to))} ms ≤ ${bound} ms)`,
          });
        }
      }
      const healed = spans.filter((f) => f.to !== Infinity).length;
      if (failed) return { verdict: "fail", summary: "client did not reconnect within its bound after a fault", evidence };
      if (healed === 0) return { verdict: "unknown", summary: "no fault healed during the run", evidence };
      if (judged === 0) return { verdict: "unknown", summary: "the client never lost its connection: nothing to reconnect from", evidence };
      return { verdict: "pass", summary: `reconnected within ${bound} ms after each of ${judged} fault(s) that cost it its connection`, evidence };
    },
  };
}
