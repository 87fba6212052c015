import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "../tools/paths.ts";
import { InputError } from "../lab/errors.ts";
import type { Scenario } from "./dsl.ts";

export interface ScenarioEntry {
  scenario: Scenario;
  /** Path relative to scenarios/, e.g. resilience/broker-crash.ts. */
  file: string;
  /** First folder: resilience, compliance, floods… */
  suite: string;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith(".ts")) out.push(p);
  }
  return out;
}

/**
 * Every scenario under scenarios/, by id. A file's default export is one scenario or a table of
 * them (a compliance feature table: one per feature and protocol); a file without one (shared
 * steps, a table that protocol folders take their cells from) is passed over. A duplicate id is
 * a bug in the catalogue.
 */
export async function loadScenarios(root = join(repoRoot, "scenarios")): Promise<Map<string, ScenarioEntry>> {
  const out = new Map<string, ScenarioEntry>();
  for (const file of walk(root).sort()) {
    const mod = (await import(pathToFileURL(file).href)) as { default?: Scenario | Scenario[] };
    const rel = relative(root, file);
    for (const s of [mod.default ?? []].flat()) {
      if (typeof s?.run !== "function") continue;
      if (out.has(s.id)) throw new Error(`scenario id ${s.id} is declared twice (${out.get(s.id)!.file} and ${rel})`);
      out.set(s.id, { scenario: s, file: rel, suite: rel.split("/")[0]! });
    }
  }
  return out;
}

/** Resolve ids and --suite into scenarios, with a one-line error naming what exists. */
export function select(all: Map<string, ScenarioEntry>, ids: string[], suite: string | undefined): ScenarioEntry[] {
  if (suite) {
    // A suite is a folder under scenarios/: "compliance", or a sub-folder such as "compliance/v5".
    const picked = suite === "default" ? [...all.values()].filter((e) => e.suite === "resilience") : [...all.values()].filter((e) => e.suite === suite || e.file.startsWith(`${suite}/`));
    if (picked.length === 0) {
      const suites = [...new Set([...all.values()].map((e) => e.suite))].join(", ");
      throw new InputError(`unknown suite "${suite}" (suites: default, ${suites})`);
    }
    return picked;
  }
  if (ids.length === 0) throw new InputError("name a scenario or a --suite (see: faraday list)");
  return ids.map((id) => {
    const e = all.get(id);
    if (!e) {
      // With a hundred scenarios a full list is noise: name the nearest ids instead.
      const near = nearest(id, [...all.keys()]);
      const more = all.size > near.length ? `, … — faraday list shows all ${all.size}` : "";
      throw new InputError(`unknown scenario "${id}" (known: ${near.join(", ")}${more})`);
    }
    return e;
  });
}

/** The ids closest to a mistyped one (edit distance), best first. */
export function nearest(id: string, ids: string[], n = 3): string[] {
  const d = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const cur = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = cur;
      }
    }
    return row[b.length]!;
  };
  return [...ids].sort((a, b) => d(id, a) - d(id, b) || a.localeCompare(b)).slice(0, n);
}
