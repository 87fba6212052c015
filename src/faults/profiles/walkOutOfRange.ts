import type { Random } from "../../lab/random.ts";
import type { ActiveFault } from "../fault.ts";
import { requireNumber } from "../toxics.ts";
import { apLoss } from "../apLoss.ts";
import { latency } from "../latency.ts";
import { gilbertElliottParams, lossyLink, type GilbertElliott } from "../lossyLink.ts";
import { defineProfile, beginProfile, type ProfileContext } from "./profile.ts";

export interface WalkOutOfRangeParams {
  /** Steps on the way out, and as many on the way back (default 4). */
  steps?: number;
  /** Time spent at each step, in ms (default 3000), before the walker's pace is applied. */
  stepMs?: number;
  /** The pace varies by up to ± this share of stepMs from step to step, seeded (default 0.3). */
  pace?: number;
  /** One-way latency at the last step before the signal is gone, in ms (default 1200); step k of n has k/n of it. */
  maxLatencyMs?: number;
  /** Jitter at each step as a share of its latency (default 0.25). */
  jitterShare?: number;
  /** The loss chain's pGoodToBad at the last step (default 0.3); step k of n has k/n of it. */
  maxPGoodToBad?: number;
  /** The loss chain's pBadToGood at the first step (default 0.7), falling to pBadToGood/2 at the last: stalls get longer. */
  pBadToGood?: number;
  /** The loss chain's step, in ms (default 200). */
  lossStepMs?: number;
  /** How long nothing passes at all at the far end (an AP loss), in ms (default 10 000). */
  outageMs?: number;
}

/** One stage of the walk: degraded (latency + loss) at some level, or out of range (AP loss). */
export type WalkStage =
  | { leg: "out" | "back"; level: number; dwellMs: number; latencyMs: number; jitterMs: number; loss: GilbertElliott }
  | { leg: "far"; dwellMs: number };

/**
 * The walk, stage by stage: out through levels 1..steps, the outage, back through steps..1.
 * The only random part is the pace (each stage's dwell); levels are symmetric, so the way back
 * mirrors the way out.
 */
export function walkOutOfRangeSchedule(random: Random, params: WalkOutOfRangeParams = {}): WalkStage[] {
  const k = "walkOutOfRange";
  const steps = requireNumber(k, "steps", params.steps ?? 4, (v) => Number.isInteger(v) && v >= 1, "a whole number ≥ 1");
  const stepMs = requireNumber(k, "stepMs", params.stepMs ?? 3000, (v) => v > 0, "a number of ms > 0");
  const pace = requireNumber(k, "pace", params.pace ?? 0.3, (v) => v >= 0 && v < 1, "a share between 0 and 1");
  const maxLatencyMs = requireNumber(k, "maxLatencyMs", params.maxLatencyMs ?? 1200, (v) => v >= 0, "a number of ms ≥ 0");
  const jitterShare = requireNumber(k, "jitterShare", params.jitterShare ?? 0.25, (v) => v >= 0 && v <= 1, "a share between 0 and 1");
  const maxPGoodToBad = params.maxPGoodToBad ?? 0.3;
  const pBadToGood = params.pBadToGood ?? 0.7;
  const outageMs = requireNumber(k, "outageMs", params.outageMs ?? 10_000, (v) => v >= 0, "a number of ms ≥ 0");
  const dwell = () => Math.round(stepMs * (1 + pace * (2 * random.next() - 1)));
  const level = (leg: "out" | "back", n: number): WalkStage => {
    const f = n / steps;
    const latencyMs = Math.round(maxLatencyMs * f);
    return {
      leg,
      level: n,
      dwellMs: dwell(),
      latencyMs,
      jitterMs: Math.round(latencyMs * jitterShare),
      loss: gilbertElliottParams({ stepMs: params.lossStepMs ?? 200, pGoodToBad: round3(maxPGoodToBad * f), pBadToGood: round3(pBadToGood * (1 - f / 2)) }, k),
    };
  };
  const out = Array.from({ length: steps }, (_, i) => level("out", i + 1));
  const far: WalkStage = { leg: "far", dwellMs: outageMs };
  const back = Array.from({ length: steps }, (_, i) => level("back", steps - i));
  return [...out, far, ...back];
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export const walkOutOfRangeProfile = defineProfile({
  name: "walkOutOfRange",
  help: "someone carries the board away from the AP and back: the signal weakens step by step until the AP is lost for a while, then recovers the same way",
  how: "per stage a latency and a lossyLink fault, growing, an apLoss at the far end, then the same in reverse (walkOutOfRangeSchedule)",
  run: walkOutOfRange,
});

/**
 * Walk out of range: someone carries the board away from the AP and back. The signal weakens
 * step by step — more latency and jitter as the radio drops to lower rates and retries, more
 * and longer stalls as loss grows — until the station loses the AP and nothing passes for a
 * while; then, walking back, the same in reverse until the link is clean. A client must ride
 * out the degraded stretch without flapping and come back after the outage.
 *
 * Made of, per stage, a latency fault and a lossyLink fault (the loss chain seeded from the
 * profile's own stream), and at the far end an apLoss fault; stages follow
 * walkOutOfRangeSchedule and each is healed before the next is injected.
 */
export async function walkOutOfRange(ctx: ProfileContext, params: WalkOutOfRangeParams = {}): Promise<void> {
  const p = beginProfile(ctx, "walkOutOfRange", { ...params }, (r) => walkOutOfRangeSchedule(r, params));
  for (const stage of p.schedule) {
    if (p.aborted()) return;
    const open: ActiveFault[] = [];
    if (stage.leg === "far") open.push(await ctx.inject(apLoss(p.targets)));
    else {
      open.push(await ctx.inject(latency(p.targets, { latencyMs: stage.latencyMs, jitterMs: stage.jitterMs })));
      // Torn down meanwhile: inject nothing the teardown has already gone past.
      if (p.aborted()) return;
      open.push(await ctx.inject(lossyLink(p.targets, stage.loss)));
    }
    await ctx.wait(stage.dwellMs);
    if (p.aborted()) return; // teardown restores what is open
    for (const a of open.reverse()) await ctx.heal(a);
  }
  p.end();
}
