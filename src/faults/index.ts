// Every fault and profile, found here: each file in this folder (and in profiles/) that declares
// one with defineFault (fault.ts) or defineProfile (profiles/profile.ts) is registered by that
// alone — adding a fault is adding its file.
import { readdirSync } from "node:fs";
import { isFault, type Fault, type FaultDescriptor, type FaultTargets } from "./fault.ts";
import { isProfile, type ProfileContext, type ProfileDescriptor } from "./profiles/profile.ts";

export type { Fault, FaultDescriptor, FaultTargets, ProfileContext, ProfileDescriptor };

async function exportsOf(dir: URL): Promise<unknown[]> {
  const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "index.ts");
  const modules = (await Promise.all(files.map((f) => import(new URL(f, dir).href)))) as Record<string, unknown>[];
  return modules.flatMap((m) => Object.values(m));
}

const here = new URL("./", import.meta.url);
const found = [...(await exportsOf(here)), ...(await exportsOf(new URL("profiles/", here)))];
const byName = <D extends { name: string }>(list: D[]): Readonly<Record<string, D>> =>
  Object.fromEntries(list.sort((a, b) => a.name.localeCompare(b.name)).map((d) => [d.name, d]));

/** Every fault by name. */
export const FAULTS = byName(found.filter(isFault));

/** Faults composed over time: drivers that inject and heal through the scenario's context. */
export const PROFILES = byName(found.filter(isProfile));

/** Make a fault by name, e.g. fault("latency", ctx.targets, { latencyMs: 1000, jitterMs: 200 }). */
export function fault(name: string, targets: FaultTargets, params?: object): Fault {
  const d = FAULTS[name];
  if (!d) throw new Error(`unknown fault "${name}" (faults: ${Object.keys(FAULTS).join(", ")})`);
  return (d.make as (t: FaultTargets, p?: object) => Fault)(targets, params);
}
