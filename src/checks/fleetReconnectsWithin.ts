import { at } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { fleetNames, fleetReconnects, percentile } from "./fleet.ts";

export const fleetReconnectsWithinChecker = defineChecker({
  name: "fleetReconnectsWithin",
  group: "resilience",
  guarantee: "every device of a fleet that a fault cost its connection reports up again within its own bound after the heal, however many reconnect at once",
  bound: "each device's reconnectsWithin bound: 2 × reconnect cycle + 2 s (aiomqttc, response 3 s: 2 × 4 + 2 = 10 s)",
  factory: fleetReconnectsWithin,
});

/**
 * The reconnect storm: after each fault heals, every device that lost its connection to it
 * (its own `down` or its exit from the fault's start to one bound after the heal) is up again
 * within `boundMs` of the heal (default ctx.bounds.reconnectAfterHealMs, the bound one device
 * has alone). The evidence names the slow devices and those never back, with their times, and
 * the distribution of the others.
 */
export function fleetReconnectsWithin(boundMs?: number): Check {
  return {
    name: fleetReconnectsWithinChecker.name,
    guarantee: fleetReconnectsWithinChecker.guarantee,
    judge(events, ctx) {
      const bound = boundMs ?? ctx.bounds.reconnectAfterHealMs;
      const names = fleetNames(events);
      if (!names) return { verdict: "unknown", summary: "no fleet in this run", evidence: [] };
      const rs = fleetReconnects(events, bound);
      if (rs.length === 0) return { verdict: "unknown", summary: `no device of the ${names.length} lost its connection to a healed fault: nothing to reconnect from`, evidence: [] };
      const interrupted = rs.filter((r) => r.interrupted).length;
      const cut = interrupted ? `; ${interrupted} cut short by the next fault, not timed` : "";
      const late = rs.filter((r) => !r.interrupted && (r.ms === undefined || r.ms > bound));
      const ms = rs.flatMap((r) => (r.ms !== undefined ? [r.ms] : []));
      const dist = ms.length ? `p50 ${percentile(ms, 0.5)} ms, p90 ${percentile(ms, 0.9)} ms, max ${Math.max(...ms)} ms` : "none came back";
      const evidence: Evidence[] = late.map((r) => ({
        t: r.upAt ?? r.healedAt,
        charged: "client",
        device: r.device,
        text:
          r.upAt !== undefined
            ? `${r.device}: ${r.fault} healed at ${at(r.healedAt)}; down at ${at(r.downAt)}, up only at ${at(r.upAt)} (${r.ms} ms > bound ${bound} ms)`
            : `${r.device}: ${r.fault} healed at ${at(r.healedAt)}; down at ${at(r.downAt)}, never up again (bound ${bound} ms)`,
      }));
      const devices = new Set(rs.map((r) => r.device)).size;
      if (late.length) {
        const lateDevices = [...new Set(late.map((r) => r.device))];
        return {
          verdict: "fail",
          summary: `${late.length} of ${rs.length} reconnects over the ${bound} ms bound${cut} (${lateDevices.length} device(s): ${lateDevices.slice(0, 6).join(", ")}${lateDevices.length > 6 ? ", …" : ""}); the rest: ${dist}`,
          evidence: firstN(evidence, 20),
        };
      }
      const timed = rs.filter((r) => r.upAt !== undefined);
      if (timed.length === 0) return { verdict: "unknown", summary: `every reconnect was cut short by the next fault${cut}`, evidence: [] };
      const slowest = timed.reduce((a, b) => ((b.ms ?? 0) > (a.ms ?? 0) ? b : a));
      return {
        verdict: "pass",
        summary: `${timed.length} reconnects of ${devices} device(s) each within ${bound} ms (${dist})${cut}`,
        evidence: [{ t: slowest.upAt, device: slowest.device, text: `slowest: ${slowest.device}, up at ${at(slowest.upAt!)}, ${slowest.ms} ms after ${slowest.fault} healed at ${at(slowest.healedAt)}` }],
      };
    },
  };
}
