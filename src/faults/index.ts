import type { Fault, FaultTargets } from "./fault.ts";
import type { ProfileContext } from "./profiles/profile.ts";
import { brokerCrash } from "./brokerCrash.ts";
import { brokerShutdown } from "./brokerShutdown.ts";
import { brokerFreeze } from "./brokerFreeze.ts";
import { brokerRestart } from "./brokerRestart.ts";
import { apLoss } from "./apLoss.ts";
import { partition } from "./partition.ts";
import { latency } from "./latency.ts";
import { bandwidth } from "./bandwidth.ts";
import { slicer } from "./slicer.ts";
import { cutMidPacket } from "./cutMidPacket.ts";
import { reset } from "./reset.ts";
import { lossyLink } from "./lossyLink.ts";
import { powerCycle } from "./powerCycle.ts";
import { walkOutOfRange } from "./profiles/walkOutOfRange.ts";
import { flappingAp } from "./profiles/flappingAp.ts";
import { noisyRadio } from "./profiles/noisyRadio.ts";
import { faradayCage } from "./profiles/faradayCage.ts";

/** A fault file's export: targets and that fault's parameters in, a fault out. */
export type FaultFactory<P = never> = (targets: FaultTargets, params: P) => Fault;

/**
 * Every fault by name. Adding a fault is adding its file and a line here. (brokerCrash, the
 * first, takes the broker alone; the line adapts it.)
 */
export const FAULTS = {
  brokerCrash: (t: FaultTargets) => brokerCrash(t.broker),
  brokerShutdown,
  brokerFreeze,
  brokerRestart,
  apLoss,
  partition,
  latency,
  bandwidth,
  slicer,
  cutMidPacket,
  reset,
  lossyLink,
  powerCycle,
} satisfies Record<string, FaultFactory>;

export type FaultName = keyof typeof FAULTS;
/** The parameters a fault takes after its targets, as a tuple: [] for none, [params?] when optional. */
export type FaultParams<K extends FaultName> = Parameters<(typeof FAULTS)[K]> extends [FaultTargets, ...infer R] ? R : never;

/** Faults composed over time: drivers that inject and heal through the scenario's context. */
export const PROFILES = {
  walkOutOfRange,
  flappingAp,
  noisyRadio,
  faradayCage,
} satisfies Record<string, (ctx: ProfileContext, params: never) => Promise<void>>;

export type ProfileName = keyof typeof PROFILES;

/** Make a fault by name, e.g. fault("latency", ctx.targets, { latencyMs: 1000, jitterMs: 200 }). */
export function fault<K extends FaultName>(name: K, targets: FaultTargets, ...params: FaultParams<K>): Fault {
  const make = FAULTS[name] as (t: FaultTargets, p?: unknown) => Fault;
  return make(targets, params[0]);
}

export {
  brokerCrash,
  brokerShutdown,
  brokerFreeze,
  brokerRestart,
  apLoss,
  partition,
  latency,
  bandwidth,
  slicer,
  cutMidPacket,
  reset,
  lossyLink,
  powerCycle,
  walkOutOfRange,
  flappingAp,
  noisyRadio,
  faradayCage,
};
export type { Fault, FaultTargets, ProfileContext };
