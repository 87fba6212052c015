import { LabError } from "../../lab/errors.ts";
import { apLoss } from "../apLoss.ts";
import { defineProfile, beginProfile, type ProfileContext } from "./profile.ts";

export interface FaradayCageParams {
  /**
   * How long the board stays in the cage, in ms. Default: 3 × the client's keepalive, so the
   * broker's own timeout (1.5 × keepalive) runs out too. Must be longer than the keepalive.
   */
  outageMs?: number;
}

/** What faradayCage will do, before it does it. */
export function faradayCagePlan(params: FaradayCageParams, keepaliveS: number | undefined): { outageMs: number } {
  const outageMs = params.outageMs ?? (keepaliveS ? 3 * keepaliveS * 1000 : undefined);
  if (outageMs === undefined) throw new LabError("faradayCage: give outageMs (ms), or a context with the client's keepalive");
  if (keepaliveS !== undefined && outageMs <= keepaliveS * 1000)
    throw new LabError(`faradayCage: outageMs (${outageMs} ms) must be longer than the keepalive (${keepaliveS} s), or it is a short AP loss`);
  return { outageMs };
}

export const faradayCageProfile = defineProfile({
  name: "faradayCage",
  help: "a running board shut in a metal box: the radio dies at once for longer than the keepalive, then the box opens",
  how: "one apLoss held for `outageMs`; no randomness",
  run: faradayCage,
});

/**
 * Faraday cage: a running board is shut in a metal box — the maintainers' own test. The radio
 * goes dead all at once: no WLAN, no packet either way, no FIN, no RST, for longer than the
 * keepalive, so both ends must find out from their own timers and the broker drops the
 * session's connection; then the box opens and the client must come back by itself.
 *
 * Made of one apLoss (WLAN down + silent wire) held for outageMs. No randomness.
 */
export async function faradayCage(ctx: ProfileContext, params: FaradayCageParams = {}): Promise<void> {
  const p = beginProfile(ctx, "faradayCage", { ...params }, () => faradayCagePlan(params, ctx.client?.keepalive));
  const cage = await ctx.inject(apLoss(p.targets));
  await ctx.wait(p.schedule.outageMs);
  if (p.aborted()) return; // teardown restores what is open
  await ctx.heal(cage);
  p.end();
}
