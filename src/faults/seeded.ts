import { seededRandom, type Random } from "../lab/random.ts";

/**
 * A random stream of its own for one fault or profile, seeded by one draw from the run's
 * random (itself seeded by --seed). Taken when the fault is created — in the scenario's own
 * order — so a fault that keeps drawing while other things run (lossyLink every few hundred
 * ms, a profile's schedule) never shifts anyone else's draws, and the same seed replays the
 * same schedule however the timers interleave. The child's seed goes into the fault's params.
 */
export function childRandom(parent: Random): Random {
  return seededRandom(parent.int(0, 0xffff_ffff));
}
