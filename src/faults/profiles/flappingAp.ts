import type { Random } from "../../lab/random.ts";
import { requireNumber } from "../toxics.ts";
import { apLoss } from "../apLoss.ts";
import { defineProfile, beginProfile, between, type ProfileContext } from "./profile.ts";

export interface FlappingApParams {
  /** Number of outages (default 5). */
  outages?: number;
  /** Each outage lasts between these, in ms (defaults 500 and 3000): mostly shorter than a keepalive. */
  minOutageMs?: number;
  maxOutageMs?: number;
  /** The AP is up between outages for between these, in ms (defaults 1000 and 5000). */
  minGapMs?: number;
  maxGapMs?: number;
}

/** One flap: the AP stays up for gapMs, then is gone for outageMs. */
export interface Flap {
  gapMs: number;
  outageMs: number;
}

/** The seeded schedule of flaps: the same random gives the same flaps. */
export function flappingApSchedule(random: Random, params: FlappingApParams = {}): Flap[] {
  const k = "flappingAp";
  const outages = requireNumber(k, "outages", params.outages ?? 5, (v) => Number.isInteger(v) && v >= 1, "a whole number ≥ 1");
  const minO = requireNumber(k, "minOutageMs", params.minOutageMs ?? 500, (v) => v >= 0, "a number of ms ≥ 0");
  const maxO = requireNumber(k, "maxOutageMs", params.maxOutageMs ?? 3000, (v) => v >= minO, "a number of ms ≥ minOutageMs");
  const minG = requireNumber(k, "minGapMs", params.minGapMs ?? 1000, (v) => v >= 0, "a number of ms ≥ 0");
  const maxG = requireNumber(k, "maxGapMs", params.maxGapMs ?? 5000, (v) => v >= minG, "a number of ms ≥ minGapMs");
  return Array.from({ length: outages }, () => ({ gapMs: between(random, minG, maxG), outageMs: between(random, minO, maxO) }));
}

export const flappingApProfile = defineProfile({
  name: "flappingAp",
  help: "an AP at the edge of range, or one that reboots itself, drops the station again and again for a few seconds at irregular intervals",
  how: "apLoss faults on a seeded schedule (flappingApSchedule)",
  run: flappingAp,
});

/**
 * Flapping AP: an access point at the edge of range, or one that reboots itself, drops the
 * station again and again for a few seconds at a time, at irregular intervals. Each outage is
 * a full AP loss (WLAN down, silent wire); most are shorter than the keepalive, so a client
 * learns of them only from its WLAN, and one that reconnects slowly is still reconnecting when
 * the next one hits.
 *
 * Made of apLoss faults on a seeded schedule (flappingApSchedule): gaps and outage lengths are
 * drawn uniformly from the ranges given.
 */
export async function flappingAp(ctx: ProfileContext, params: FlappingApParams = {}): Promise<void> {
  const p = beginProfile(ctx, "flappingAp", { ...params }, (r) => flappingApSchedule(r, params));
  for (const flap of p.schedule) {
    await ctx.wait(flap.gapMs);
    if (p.aborted()) return;
    const out = await ctx.inject(apLoss(p.targets));
    await ctx.wait(flap.outageMs);
    if (p.aborted()) return; // teardown restores what is open
    await ctx.heal(out);
  }
  p.end();
}
