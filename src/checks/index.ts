// Every checker, found here: each file in this folder that declares one with defineChecker
// (src/checks/check.ts) is registered by that alone — adding a checker is adding its file.
import { readdirSync } from "node:fs";
import { isChecker, type Check, type CheckerDescriptor } from "./check.ts";
import type { TimelineEvent } from "../timeline/event.ts";
import { tapped } from "./wire.ts";

export type { CheckerDescriptor };

const here = new URL("./", import.meta.url);
const files = readdirSync(here).filter((f) => f.endsWith(".ts") && f !== "index.ts");
const modules = (await Promise.all(files.map((f) => import(new URL(f, here).href)))) as Record<string, unknown>[];

/** Every checker by name: resilience ones first, then compliance ones, each by name. */
export const CHECKERS: Readonly<Record<string, CheckerDescriptor>> = Object.fromEntries(
  modules
    .flatMap((m) => Object.values(m).filter(isChecker))
    .sort((a, b) => (a.group === b.group ? a.name.localeCompare(b.name) : a.group === "resilience" ? -1 : 1))
    .map((d) => [d.name, d]),
);

/**
 * A run's checks with the every-run ones added (descriptors with `everyRun`: the client's own
 * promises, held to the device's wire), when the run has a wire tap and the scenario does not
 * list them already. The runner and `faraday check` both judge with it, so a saved run
 * re-checks to the verdict it got; a run without a tap (TLS, or saved before the tap was on
 * every run) gets none, and keeps its results.
 */
export function withEveryRun(checks: Check[], events: readonly TimelineEvent[]): Check[] {
  if (!tapped(events)) return checks;
  const listed = new Set(checks.map((c) => c.name));
  const every = Object.values(CHECKERS).filter((d) => d.everyRun && !listed.has(d.name));
  return [...checks, ...every.map((d) => (d.factory as () => Check)())];
}
