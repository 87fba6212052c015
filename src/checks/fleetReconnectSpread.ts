import { at } from "../timeline/event.ts";
import type { Check } from "./check.ts";
import { defineChecker } from "./check.ts";
import { fleetNames, fleetReconnects, mostWithin, SYNC_WINDOW_MS } from "./fleet.ts";

export const fleetReconnectSpreadChecker = defineChecker({
  name: "fleetReconnectSpread",
  group: "resilience",
  guarantee: "a measure of the reconnect storm: how many devices came back within the same 100 ms after one fault (a client without backoff jitter brings its whole fleet back in lockstep); fails only past a share the scenario sets",
  bound: "the share of the fleet given (default none: a measure, never a failure)",
  factory: fleetReconnectSpread,
});

/**
 * Reconnect synchronisation: after each healed fault, the most devices whose `up` fell within
 * one window of SYNC_WINDOW_MS. Reported on every run (summary and evidence); with `maxShare`
 * (0..1) more than that share of the fleet within one window fails, the evidence naming them.
 */
export function fleetReconnectSpread(maxShare?: number): Check {
  return {
    name: fleetReconnectSpreadChecker.name,
    guarantee: fleetReconnectSpreadChecker.guarantee,
    judge(events, ctx) {
      const names = fleetNames(events);
      if (!names) return { verdict: "unknown", summary: "no fleet in this run", evidence: [] };
      const rs = fleetReconnects(events, ctx.bounds.reconnectAfterHealMs).filter((r) => r.upAt !== undefined);
      if (rs.length < 2) return { verdict: "unknown", summary: "fewer than two devices reconnected after a fault: no spread to measure", evidence: [] };
      let worst = { count: 0, from: 0, healedAt: 0, devices: [] as string[] };
      for (const healedAt of new Set(rs.map((r) => r.healedAt))) {
        const these = rs.filter((r) => r.healedAt === healedAt);
        const m = mostWithin(these.map((r) => r.upAt!), SYNC_WINDOW_MS);
        if (m.count > worst.count) worst = { ...m, healedAt, devices: these.filter((r) => r.upAt! >= m.from && r.upAt! <= m.from + SYNC_WINDOW_MS).map((r) => r.device) };
      }
      const share = worst.count / names.length;
      const text = `${worst.count} of ${names.length} devices (${Math.round(share * 100)} %) reported up within ${SYNC_WINDOW_MS} ms of each other, from ${at(worst.from)} (${Math.round(worst.from - worst.healedAt)} ms after the heal at ${at(worst.healedAt)}): ${worst.devices.slice(0, 12).join(", ")}${worst.devices.length > 12 ? ", …" : ""}`;
      const evidence = [{ t: worst.from, text, devices: worst.devices.length, share }];
      if (maxShare !== undefined && share > maxShare) return { verdict: "fail", summary: `reconnects synchronised: ${worst.count} of ${names.length} devices within ${SYNC_WINDOW_MS} ms (> ${Math.round(maxShare * 100)} % allowed)`, evidence: evidence.map((e) => ({ ...e, charged: "client" as const })) };
      return { verdict: "pass", summary: `at most ${worst.count} of ${names.length} devices reconnected within the same ${SYNC_WINDOW_MS} ms`, evidence };
    },
  };
}
