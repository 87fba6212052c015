import type { ActiveFault, Fault, FaultTargets } from "../fault.ts";
import type { Random } from "../../lab/random.ts";
import { childRandom } from "../seeded.ts";

/**
 * What a profile drives: the scenario context has all of it (pass `ctx`). A profile is faults
 * composed over time; it injects and heals through the nemesis like a scenario does, so each
 * of its steps is a `fault` start/end pair on the timeline with its parameters.
 */
export interface ProfileContext {
  inject(fault: Fault): Promise<ActiveFault>;
  heal(active: ActiveFault): Promise<void>;
  /** Sleep that ends early when the run is torn down. */
  wait(ms: number): Promise<void>;
  targets: FaultTargets;
  /** The run's random, seeded from --seed. */
  random: Random;
  /** The client's settings, when the profile derives a duration from them (keepalive in s). */
  client?: { keepalive: number };
}

/**
 * Start a profile: its own random stream (one draw from the run's), the plan recorded on the
 * timeline before anything happens, and targets whose random is that stream, so the faults it
 * creates (lossyLink's chain) draw from it too and a seed replays the whole profile.
 */
export function beginProfile<S>(
  ctx: ProfileContext,
  profile: string,
  params: Record<string, unknown>,
  plan: (random: Random) => S,
): { schedule: S; targets: FaultTargets; aborted: () => boolean; end: () => void } {
  const random = childRandom(ctx.random);
  const schedule = plan(random);
  const tl = ctx.targets.lab.timeline;
  tl.record("fault", "profile", { profile, seed: random.seed, params, schedule });
  const signal = ctx.targets.lab.abort.signal;
  return {
    schedule,
    targets: { ...ctx.targets, random },
    aborted: () => signal.aborted,
    end: () => tl.record("fault", "profile.end", { profile, seed: random.seed }),
  };
}

/** Uniform whole number of ms in [min, max]. */
export function between(random: Random, minMs: number, maxMs: number): number {
  return random.int(Math.round(minMs), Math.round(maxMs));
}

/**
 * What a profile file exports beside its driver, with `defineProfile`: faults/index.ts finds
 * every one in this folder, and the README's profile table is made from them.
 */
export interface ProfileDescriptor {
  readonly name: string;
  /** What happens to the device, in one line. */
  readonly help: string;
  /** The faults it is made of, and how they are scheduled. */
  readonly how: string;
  /** Drives the profile through the scenario's context (parameters typed in its file). */
  readonly run: (ctx: ProfileContext, params: never) => Promise<void>;
}

const profiles = new WeakSet<object>();

/** Declare a profile: faults/index.ts picks it up. */
export function defineProfile<D extends ProfileDescriptor>(d: D): D {
  profiles.add(d);
  return d;
}

export function isProfile(x: unknown): x is ProfileDescriptor {
  return typeof x === "object" && x !== null && profiles.has(x);
}
