import { at } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker } from "./check.ts";
import { clientComplaint, faultSpans, quoteComplaint, readLateNote, saidAt } from "./history.ts";
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
      // Down at t: the client's last word before t was down (or its process ended).
      const downAt = (t: number) => {
        const last = events.filter((e) => e.t < t && (isDeviceUp(e) || isDevice(e, "down", "exit"))).at(-1);
        return last !== undefined && !isDeviceUp(last);
      };
      const starts = spans.map((f) => f.from).sort((x, y) => x - y);
      let judged = 0;
      const evidence: Evidence[] = [];
      let failed = false;
      for (const f of spans) {
        if (f.to === Infinity) {
          evidence.push({ t: f.from, text: `${f.fault} at ${at(f.from)} never healed: cannot judge the reconnect` });
          continue;
        }
        // The next fault (one that starts later, inside this one or after it) answers for what
        // happens from its start: a disconnect it causes, or a reconnect it holds up, is not
        // charged to this one.
        const nextFrom = starts.find((t) => t > f.from);
        const next = nextFrom === undefined ? undefined : spans.find((s) => s.from === nextFrom);
        const windowEnd = Math.min(f.to + bound, nextFrom ?? Infinity);
        // A fault the client rode out without losing its connection (a slow link, a short
        // stall) asks for no reconnect: nothing to judge for that span. A client already down
        // when it began (an earlier fault's reconnect still under way) must come back from it.
        if (!downAt(f.from) && !downs.some((d) => d.t >= f.from && d.t <= windowEnd)) {
          const until = next && nextFrom! < f.to + bound ? `, until ${next.fault} began at ${at(nextFrom!)}` : "";
          evidence.push({ t: f.from, text: `${f.fault} ${at(f.from)}–${at(f.to)}: the client stayed connected through it${until}` });
          continue;
        }
        const up = ups.find((u) => u.t > f.from);
        // Timed from when the client said up, by its own clock: a line the starved host read late is not a late client.
        const late = !up || saidAt(up) - f.to > bound;
        if (late && next && nextFrom! <= f.to + bound && (!up || up.t > nextFrom!)) {
          // Its bound had not run out when the next fault began, and the client was not back yet.
          evidence.push({ t: nextFrom!, text: `${f.fault} healed at ${at(f.to)}; the client was not up again when ${next.fault} began at ${at(nextFrom!)}, inside its bound: judged with ${next.fault}` });
          continue;
        }
        judged++;
        if (late) {
          failed = true;
          evidence.push({
            t: f.to,
            charged: "client",
            text: up
              ? `${f.fault} healed at ${at(f.to)}; client up only at ${at(up.t)}${readLateNote(up)} (${Math.round(saidAt(up) - f.to)} ms > bound ${bound} ms = ${reason})`
              : `${f.fault} healed at ${at(f.to)}; client never reported up again (bound ${bound} ms = ${reason})${quoteComplaint(clientComplaint(events, f.to, Infinity))}`,
          });
        } else {
          evidence.push({
            t: up.t,
            text: `${f.fault} healed at ${at(f.to)}; client up at ${at(up.t)}${readLateNote(up)} (${Math.max(0, Math.round(saidAt(up) - f.to))} ms ≤ ${bound} ms)`,
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
