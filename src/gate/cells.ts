import type { RunVerdict } from "../checks/verdict.ts";
import { cellKey, type RunResult } from "../report/run.ts";

/**
 * Runs grouped by cell (scenario × client × protocol × broker; report/run.ts cellKey), with
 * each check's tally over the cell's repeats — what a baseline records, a gate classifies and a
 * compare contrasts. One run per cell is the common case (N = 1); `--repeat N` gives N.
 */

/** How often one check failed over a cell's judged runs. */
export interface CheckTally {
  name: string;
  failed: number;
  passed: number;
  /** Runs in which it could not decide: counted neither way. */
  unknown: number;
}

export interface CellObservation {
  cell: string;
  runs: RunResult[];
  /** Runs whose checks are the client's verdict: pass, fail or unknown (not error, unsupported, skip). */
  judged: number;
  verdict: RunVerdict;
  /** Check name → tally, in the order the checks first appear. */
  checks: Map<string, CheckTally>;
}

const JUDGED: ReadonlySet<RunVerdict> = new Set(["pass", "fail", "unknown"]);

/** Whether a run's checks are the client's verdict (a lab break's are shown, not judged; a probe's do not count). */
export const isJudged = (r: RunResult): boolean => JUDGED.has(r.verdict);

/**
 * A cell's verdict over its repeats: fail if any judged run failed, else unknown if any could
 * not decide, else pass; with no judged run, error if any broke, else the first run's verdict
 * (unsupported, skip).
 */
function cellVerdict(runs: readonly RunResult[]): RunVerdict {
  const judged = runs.filter(isJudged);
  if (judged.length) return judged.some((r) => r.verdict === "fail") ? "fail" : judged.some((r) => r.verdict === "unknown") ? "unknown" : "pass";
  if (runs.some((r) => r.verdict === "error")) return "error";
  return runs[0]?.verdict ?? "skip";
}

/** The runs of each cell, in the order cells first appear. */
export function observeCells(runs: readonly RunResult[]): Map<string, CellObservation> {
  const byCell = new Map<string, RunResult[]>();
  for (const r of runs) {
    const k = cellKey(r);
    if (!byCell.has(k)) byCell.set(k, []);
    byCell.get(k)!.push(r);
  }
  const out = new Map<string, CellObservation>();
  for (const [cell, rs] of byCell) {
    const checks = new Map<string, CheckTally>();
    for (const r of rs.filter(isJudged))
      for (const c of r.checks) {
        if (!checks.has(c.name)) checks.set(c.name, { name: c.name, failed: 0, passed: 0, unknown: 0 });
        const t = checks.get(c.name)!;
        if (c.verdict === "fail") t.failed++;
        else if (c.verdict === "pass") t.passed++;
        else t.unknown++;
      }
    out.set(cell, { cell, runs: rs, judged: rs.filter(isJudged).length, verdict: cellVerdict(rs), checks });
  }
  return out;
}

/** Runs in which the check decided (passed or failed). */
export const decided = (t: CheckTally): number => t.failed + t.passed;

/**
 * A tally as one word: `pass`, `fail` (every time it decided), `k/N` (failed in k of the N runs
 * that decided it: intermittent), `unknown` (it never decided).
 */
export function tallyText(t: CheckTally): string {
  const n = decided(t);
  if (n === 0) return "unknown";
  if (t.failed === 0) return "pass";
  if (t.failed === n) return "fail";
  return `${t.failed}/${n}`;
}

/** Code-unit order: the same on every machine and locale. */
export const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
