import type { RunResult } from "./run.ts";
import type { RunVerdict } from "../checks/verdict.ts";

/**
 * Where what a client declares (its capability manifest) and what the lab found disagree.
 * Both ways matter to a maintainer: a declared gap that works is a README to update (or a
 * probe that proves too little); an undeclared gap is a bug or a missing declaration.
 */
export interface Difference {
  kind: "declared-unsupported-but-works" | "undeclared-gap";
  run: string;
  feature: string;
  spec: string;
  client: string;
  protocol: string;
  broker: string;
  /** One line a maintainer can act on. */
  text: string;
}

export function declaredVsFound(runs: readonly RunResult[]): Difference[] {
  const out: Difference[] = [];
  for (const r of runs) {
    if (!r.feature) continue;
    const base = { run: r.id, feature: r.feature.id, spec: r.feature.spec, client: r.client, protocol: r.protocol, broker: r.broker };
    if (r.declared && r.probe === "pass")
      out.push({ ...base, kind: "declared-unsupported-but-works", text: `${r.client} declares it unsupported, yet the probe passed on ${r.broker} (v${r.protocol}): ${r.declared}` });
    if (!r.declared && r.verdict === "fail") {
      const failed = r.checks.filter((c) => c.verdict === "fail").map((c) => `${c.name}: ${c.summary}`);
      out.push({ ...base, kind: "undeclared-gap", text: `${r.client} does not declare it unsupported, yet it fails on ${r.broker} (v${r.protocol}): ${failed[0] ?? r.reason ?? "failed"}` });
    }
  }
  return out;
}

/** Cells per verdict of the compliance runs (feature × protocol × client × broker). */
export function cellsByVerdict(runs: readonly RunResult[]): Partial<Record<RunVerdict, number>> {
  const out: Partial<Record<RunVerdict, number>> = {};
  for (const r of runs) if (r.feature) out[r.verdict] = (out[r.verdict] ?? 0) + 1;
  return out;
}

/** The block results.json carries when an invocation ran compliance scenarios. */
export function complianceSummary(runs: readonly RunResult[]): { cells: number; byVerdict: Partial<Record<RunVerdict, number>>; differences: Difference[] } | undefined {
  const cells = runs.filter((r) => r.feature).length;
  if (cells === 0) return undefined;
  return { cells, byVerdict: cellsByVerdict(runs), differences: declaredVsFound(runs) };
}
