import type { RunVerdict } from "../checks/verdict.ts";
import type { RunResult } from "../report/run.ts";
import type { ResultsFile } from "../report/results.ts";
import { terminalLine } from "../report/safeText.ts";
import { byCode, decided, observeCells, tallyText, type CellObservation, type CheckTally } from "./cells.ts";

/**
 * `faraday report compare <a> <b>`: what changed between two runs, or two sets of runs (several
 * results files each: shards, clients, brokers) — what a maintainer reads before a release.
 * Cells (scenario × client × protocol × broker) are matched by id, so two machines' runs compare;
 * repeats of a cell are tallied (a check failing 2 of 5 times reads "2/5").
 *
 * - new failures: a check that never failed in `a` fails in `b` (it decided in both);
 * - fixes: a check that failed in `a` never fails in `b`;
 * - changed: any other change of a check's verdict (a rate that moved, a check that could no
 *   longer decide, a check that appeared or vanished within a cell);
 * - flips: cells whose verdict changed (pass → fail, fail → error, unsupported → pass, …);
 * - appeared / vanished: cells in only one of the two;
 * - drift: per scenario, the mean duration of its runs that ran (durationMs > 0) in each, and
 *   the change; `drifted` are those beyond both thresholds (default ±20 % and ±1 s).
 */

export interface CheckChange {
  cell: string;
  check: string;
  /** The verdict in a and in b: pass, fail, k/N, unknown, or "-" (not there). */
  a: string;
  b: string;
  /** b's summary of the check (its first run that failed, else its first run), for a failure. */
  summary?: string;
}

export interface CellFlip {
  cell: string;
  a: RunVerdict;
  b: RunVerdict;
}

export interface Drift {
  scenario: string;
  /** Mean duration in ms of the scenario's runs that ran, in a and in b. */
  aMs: number;
  bMs: number;
  /** b − a, in ms. */
  deltaMs: number;
  /** b / a − 1 (0.25: 25 % slower). */
  ratio: number;
  runsA: number;
  runsB: number;
}

export interface Comparison {
  newFailures: CheckChange[];
  fixes: CheckChange[];
  changed: CheckChange[];
  flips: CellFlip[];
  appeared: string[];
  vanished: string[];
  /** Every scenario that ran in both, the largest change first. */
  drift: Drift[];
  /** The drift beyond the thresholds. */
  drifted: Drift[];
  /** How many runs and cells each side had. */
  sides: { a: { runs: number; cells: number }; b: { runs: number; cells: number } };
}

export interface CompareOptions {
  /** Drift worth naming: |b / a − 1| at least this (default 0.2) … */
  driftRatio?: number;
  /** … and |b − a| at least this many ms (default 1000). */
  driftMinMs?: number;
}

type RunSet = ResultsFile | readonly RunResult[] | readonly (ResultsFile | RunResult)[];

const runsOf = (x: RunSet): RunResult[] => {
  if (!Array.isArray(x)) return [...(x as ResultsFile).runs];
  return (x as readonly (RunResult | ResultsFile)[]).flatMap((y) => ("runs" in y && Array.isArray(y.runs) ? y.runs : [y as RunResult]));
};

const word = (t: CheckTally | undefined): string => (t ? tallyText(t) : "-");

function summaryIn(o: CellObservation, check: string): string | undefined {
  const results = o.runs.flatMap((r) => r.checks.filter((c) => c.name === check));
  return (results.find((c) => c.verdict === "fail") ?? results[0])?.summary;
}

function meanDurations(runs: readonly RunResult[]): Map<string, { ms: number; n: number }> {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const r of runs) {
    if (!(typeof r.durationMs === "number" && r.durationMs > 0)) continue;
    const s = sums.get(r.scenario) ?? { sum: 0, n: 0 };
    s.sum += r.durationMs;
    s.n++;
    sums.set(r.scenario, s);
  }
  return new Map([...sums].map(([k, s]) => [k, { ms: s.sum / s.n, n: s.n }]));
}

/** Compare two runs or run sets (see the module's docstring). Pure and deterministic: cells and checks sorted. */
export function compareRuns(a: RunSet, b: RunSet, opts: CompareOptions = {}): Comparison {
  const ra = runsOf(a);
  const rb = runsOf(b);
  const ca = observeCells(ra);
  const cb = observeCells(rb);
  const out: Comparison = { newFailures: [], fixes: [], changed: [], flips: [], appeared: [], vanished: [], drift: [], drifted: [], sides: { a: { runs: ra.length, cells: ca.size }, b: { runs: rb.length, cells: cb.size } } };
  for (const cell of [...new Set([...ca.keys(), ...cb.keys()])].sort(byCode)) {
    const oa = ca.get(cell);
    const ob = cb.get(cell);
    if (!oa) {
      out.appeared.push(cell);
      continue;
    }
    if (!ob) {
      out.vanished.push(cell);
      continue;
    }
    if (oa.verdict !== ob.verdict) out.flips.push({ cell, a: oa.verdict, b: ob.verdict });
    // Checks are compared only where both sides judged the cell (a broken run's checks are not the client's).
    if (oa.judged === 0 || ob.judged === 0) continue;
    for (const check of [...new Set([...oa.checks.keys(), ...ob.checks.keys()])].sort(byCode)) {
      const ta = oa.checks.get(check);
      const tb = ob.checks.get(check);
      const wa = word(ta);
      const wb = word(tb);
      if (wa === wb) continue;
      const summary = summaryIn(ob, check);
      const change: CheckChange = { cell, check, a: wa, b: wb, ...(summary !== undefined && tb && tb.failed > 0 ? { summary } : {}) };
      const bothDecided = ta && tb && decided(ta) > 0 && decided(tb) > 0;
      if (bothDecided && ta.failed === 0 && tb.failed > 0) out.newFailures.push(change);
      else if (bothDecided && ta.failed > 0 && tb.failed === 0) out.fixes.push(change);
      else out.changed.push(change);
    }
  }
  const da = meanDurations(ra);
  const db = meanDurations(rb);
  const ratioMin = opts.driftRatio ?? 0.2;
  const msMin = opts.driftMinMs ?? 1000;
  for (const [scenario, x] of da) {
    const y = db.get(scenario);
    if (!y) continue;
    out.drift.push({ scenario, aMs: Math.round(x.ms), bMs: Math.round(y.ms), deltaMs: Math.round(y.ms - x.ms), ratio: y.ms / x.ms - 1, runsA: x.n, runsB: y.n });
  }
  out.drift.sort((p, q) => Math.abs(q.deltaMs) - Math.abs(p.deltaMs) || byCode(p.scenario, q.scenario));
  out.drifted = out.drift.filter((d) => Math.abs(d.ratio) >= ratioMin && Math.abs(d.deltaMs) >= msMin);
  return out;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * The comparison for the terminal: one summary line, then each new failure (with b's summary),
 * fix, other change, flip, appeared and vanished cell, and the drift beyond the thresholds.
 * Every line is made safe for a terminal.
 */
export function compareLines(c: Comparison, names: { a: string; b: string } = { a: "a", b: "b" }): string[] {
  const lines = [
    `compare ${names.a} (${c.sides.a.runs} runs, ${c.sides.a.cells} cells) → ${names.b} (${c.sides.b.runs} runs, ${c.sides.b.cells} cells): new failures: ${c.newFailures.length}, fixes: ${c.fixes.length}, other changes: ${c.changed.length}, flips: ${c.flips.length}, appeared: ${c.appeared.length}, vanished: ${c.vanished.length}, duration drift: ${c.drifted.length}`,
  ];
  for (const x of c.newFailures) lines.push(`  new failure  ${x.cell}  ${x.check}: ${x.a} → ${x.b}${x.summary ? ` — ${x.summary}` : ""}`);
  for (const x of c.fixes) lines.push(`  fixed        ${x.cell}  ${x.check}: ${x.a} → ${x.b}`);
  for (const x of c.changed) lines.push(`  changed      ${x.cell}  ${x.check}: ${x.a} → ${x.b}${x.summary ? ` — ${x.summary}` : ""}`);
  for (const x of c.flips) lines.push(`  flip         ${x.cell}: ${x.a} → ${x.b}`);
  for (const x of c.appeared) lines.push(`  appeared     ${x}`);
  for (const x of c.vanished) lines.push(`  vanished     ${x}`);
  for (const d of c.drifted) lines.push(`  drift        ${d.scenario}: ${secs(d.aMs)} → ${secs(d.bMs)} (${d.deltaMs >= 0 ? "+" : ""}${Math.round(d.ratio * 100)} %)`);
  return lines.map(terminalLine);
}

/** Exit code for `report compare`: 1 when b has a new failure (a check that failed nowhere in a), else 0. */
export function compareExit(c: Comparison): 0 | 1 {
  return c.newFailures.length ? 1 : 0;
}
