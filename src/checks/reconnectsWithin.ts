import { at } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker } from "./check.ts";
import { clientComplaint, faultSpans, quoteComplaint, readLateNote, saidAt } from "./history.ts";
import { isDevice, isDeviceUp } from "../timeline/is.ts";
import { OUTAGE_FAULTS } from "./detectsOutageWithin.ts";

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
/** Faults that keep a client from its broker while in effect: a reconnect due when one begins waits for its heal. */
const HOLDS_RECONNECT = new Set([...OUTAGE_FAULTS, "apReboot", "powerCycle", "silentDeath", "connectFails", "associatedNoRoute", "slowDhcp", "statusLingers", "idleDuringConnect"]);

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
      // Each disconnect is the doing of the latest-begun fault whose span (+ the bound) holds it:
      // a fault's own outage, or one begun inside or after it — never charged to an earlier one.
      const owner = (t: number) => spans.filter((f) => f.from <= t && t <= f.to + bound).at(-1);
      const lost = new Set(downs.map((d) => owner(d.t)).filter((f) => f !== undefined));
      // Faults a reconnect still due from an earlier fault was handed to (see below).
      const handed = new Set<(typeof spans)[number]>();
      let judged = 0;
      const evidence: Evidence[] = [];
      let failed = false;
      for (const f of spans) {
        if (f.to === Infinity) {
          evidence.push({ t: f.from, text: `${f.fault} at ${at(f.from)} never healed: cannot judge the reconnect` });
          continue;
        }
        if (!lost.has(f) && !handed.has(f)) {
          // A fault the client rode out without losing its connection (a slow link, a short
          // stall) asks for no reconnect; nor does one begun while another's outage held it down.
          const down = downs.filter((d) => d.t < f.from).at(-1);
          const already = down && !ups.some((u) => u.t > down.t && u.t < f.from) ? owner(down.t) : undefined;
          const during = downs.find((d) => d.t >= f.from && d.t <= f.to);
          const other = during && owner(during.t);
          const span = `${f.fault} ${at(f.from)}–${at(f.to)}`;
          evidence.push({
            t: f.from,
            text: already
              ? `${span}: the client was already down (${already.fault}'s doing) when it began`
              : other
                ? `${span}: the client's disconnect at ${at(during.t)} was ${other.fault}'s doing (begun at ${at(other.from)}), judged there`
                : `${span}: the client stayed connected through it`,
          });
          continue;
        }
        const up = ups.find((u) => u.t > f.from);
        // Timed from when the client said up, by its own clock: a line the starved host read late is not a late client.
        const late = !up || saidAt(up) - f.to > bound;
        // A fault that keeps the client from its broker (an outage), begun before this one's
        // bound ran out and while the client was not yet back, holds up the reconnect: it is
        // judged against that fault's heal — unless that one never heals.
        const next = late ? spans.find((s) => s.from > f.from && s.from <= f.to + bound && s.to !== Infinity && HOLDS_RECONNECT.has(s.fault) && (!up || up.t > s.from)) : undefined;
        if (next) {
          handed.add(next);
          evidence.push({ t: next.from, text: `${f.fault} healed at ${at(f.to)}; the client was not up again when ${next.fault} began at ${at(next.from)}, inside its bound: judged with ${next.fault}` });
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
