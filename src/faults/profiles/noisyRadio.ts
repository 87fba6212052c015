import { requireNumber } from "../toxics.ts";
import { latency } from "../latency.ts";
import { lossyLink, type GilbertElliottParams } from "../lossyLink.ts";
import { defineProfile, beginProfile, type ProfileContext } from "./profile.ts";

export interface NoisyRadioParams {
  /** How long the radio is noisy, in ms (default 20 000). */
  durationMs?: number;
  /** One-way latency, in ms (default 80), on both halves. */
  latencyMs?: number;
  /** ± jitter on it, in ms (default 60). */
  jitterMs?: number;
  /** The loss chain (lossyLink): defaults stepMs 200, pGoodToBad 0.1, pBadToGood 0.6. */
  loss?: GilbertElliottParams;
}

export const noisyRadioProfile = defineProfile({
  name: "noisyRadio",
  help: "a crowded 2.4 GHz band: the link stays up, every packet is late by a varying amount and bursts of loss stall TCP",
  how: "a latency fault with jitter and a lossyLink fault, both for `durationMs`",
  run: noisyRadio,
});

/**
 * Noisy radio: a crowded 2.4 GHz band (microwave ovens, neighbours' APs, Bluetooth). The link
 * stays up but every packet is late by a varying amount, and bursts of loss make TCP stall
 * again and again; nothing is lost at the socket, everything is slow and uneven. A client must
 * keep its keepalive and response timers honest without mistaking slowness for an outage.
 *
 * Made of a latency fault with jitter and a lossyLink fault, both in place for durationMs.
 */
export async function noisyRadio(ctx: ProfileContext, params: NoisyRadioParams = {}): Promise<void> {
  const durationMs = requireNumber("noisyRadio", "durationMs", params.durationMs ?? 20_000, (v) => v >= 0, "a number of ms ≥ 0");
  const loss = { stepMs: 200, pGoodToBad: 0.1, pBadToGood: 0.6, ...params.loss };
  const plan = { durationMs, latencyMs: params.latencyMs ?? 80, jitterMs: params.jitterMs ?? 60, loss };
  const p = beginProfile(ctx, "noisyRadio", { ...params }, () => plan);
  const slow = await ctx.inject(latency(p.targets, { latencyMs: plan.latencyMs, jitterMs: plan.jitterMs }));
  if (p.aborted()) return; // torn down meanwhile: inject nothing the teardown has already gone past
  const lossy = await ctx.inject(lossyLink(p.targets, loss));
  await ctx.wait(durationMs);
  if (p.aborted()) return; // teardown restores what is open
  await ctx.heal(lossy);
  await ctx.heal(slow);
  p.end();
}
