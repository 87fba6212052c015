// Every checker, found here: each file in this folder that declares one with defineChecker
// (src/checks/check.ts) is registered by that alone — adding a checker is adding its file.
import { readdirSync } from "node:fs";
import { isChecker, type CheckerDescriptor } from "./check.ts";

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
