import { readFileSync } from "node:fs";
import type { RunVerdict } from "../checks/verdict.ts";
import { cellKey, type RunGateClass, type RunResult } from "../report/run.ts";
import type { GateClass, GateRecord, ResultsFile } from "../report/results.ts";
import { firstSchemaError } from "../report/schema.ts";
import { terminalLine } from "../report/safeText.ts";
import { InputError } from "../lab/errors.ts";
import { byCode, decided, observeCells, tallyText, type CheckTally } from "./cells.ts";

/**
 * Baselines: the failures a client is known to have, so that a regression gate fails only on
 * new ones (issue 13, items 1 and 8).
 *
 * `faraday baseline write <run-dir>` records, per cell (`<scenario>.<client>.v<protocol>.<broker>`,
 * the run id: no path, no date, the same on every machine) and per check, the verdict the runs
 * got; every failing check carries a `reason` — written as "TODO: a finding or issue URL", for a
 * person to replace — and a check that failed in only some of a cell's repeats carries its rate
 * (`"failed": "2/19"`). The file (schemas/baseline.schema.json) is stable-sorted, one check per
 * line, so a change of verdict is a one-line diff; rewriting it keeps the reasons people wrote.
 *
 * `faraday run … --baseline <file>` judges as usual, then `classify` puts every check of every
 * run into one class:
 *
 * - `new-failure`: it fails, and the baseline does not allow it — the cell or the check is not
 *   in the baseline (a failing check of a new cell is a new failure), the baseline says it
 *   passes (or could not decide), or it fails more often than the baseline says (below);
 * - `known`: it fails, and the baseline records it failing at least as often;
 * - `fixed`: the baseline records a steady failure and it passed every time now;
 * - `new-pass`: it passes, and the baseline does not have it (a new cell, a new check) or had
 *   it undecided;
 * - `pass`: it passes, as the baseline says;
 * - `not-judged`: the run broke (the lab's error: its checks are shown, never judged) or the
 *   check could not decide — the exit code's usual rule (2) covers those runs.
 *
 * Cells of the baseline that did not run (within the run's selection, when it is given: a
 * shard runs only its share) are `vanished`.
 *
 * **Intermittent checks — the rule.** Let the baseline say the check failed in K of M runs
 * (a steady failure: M of M; a pass: 0), and let it fail now in k of the N runs that decided
 * it. It is a new failure when the observed rate exceeds the baseline's: k/N > K/M. A steady
 * known failure therefore never counts as new, however often it fails now; a check the baseline
 * has at 2/19 is new when it fails in 1 run of 1 (1/1 > 2/19) or 2 of 5 (0.4 > 0.105), known
 * when it fails in 1 of 10 or not at all. With one run per cell that means any failure of an
 * intermittent check fails the gate; to tolerate chance, repeat the cell (`--repeat N`), or pass
 * `alpha`: then the excess must also be unlikely under the baseline's rate — a new failure only
 * when P(X ≥ k) < alpha for X ~ Binomial(N, K/M) (with alpha 0.05: 1 of 1 at 2/19 is known,
 * 3 of 5 is new).
 *
 * **The gate's exit code.** 1 when a check is a new failure — or, with `strict`, when the run
 * differs from the baseline in any way: a new failure, a fixed check (the baseline is stale:
 * a fixed bug could come back unseen), a new pass, a new cell, a vanished cell; else 2 when a
 * run broke or could not decide (as without a baseline); else 0 — known failures included.
 */

export const BASELINE_FORMAT = "faraday-baseline/1";
/** What a failing check's reason says until a person writes one. */
export const REASON_PLACEHOLDER = "TODO: a finding or issue URL";

export interface BaselineCheck {
  verdict: "pass" | "fail" | "unknown";
  /** An intermittent failure: "k/N" (failed in k of N repeats, 0 < k < N). */
  failed?: string;
  /** Why the failure is known (required for a failing check). */
  reason?: string;
}

export interface BaselineCell {
  verdict: RunVerdict;
  checks?: Record<string, BaselineCheck>;
}

export interface Baseline {
  format: typeof BASELINE_FORMAT;
  cells: Record<string, BaselineCell>;
}

const runsOf = (results: ResultsFile | readonly RunResult[] | readonly ResultsFile[]): RunResult[] => {
  if (!Array.isArray(results)) return [...(results as ResultsFile).runs];
  return (results as readonly (RunResult | ResultsFile)[]).flatMap((x) => ("runs" in x && Array.isArray(x.runs) ? x.runs : [x as RunResult]));
};

const isPlaceholder = (reason: string | undefined) => reason === undefined || reason.trim() === "" || reason.startsWith("TODO");

function baselineCheck(t: CheckTally, kept: BaselineCheck | undefined): BaselineCheck | undefined {
  const text = tallyText(t);
  if (text === "pass" || text === "unknown") return { verdict: text };
  // Failing: keep the reason a person wrote, for as long as it still fails.
  const reason = kept?.verdict === "fail" && !isPlaceholder(kept.reason) ? kept.reason! : REASON_PLACEHOLDER;
  return text === "fail" ? { verdict: "fail", reason } : { verdict: "fail", failed: text, reason };
}

/**
 * The baseline of a set of runs (one invocation, a merge, several), keeping the reasons of a
 * `previous` baseline for checks that still fail. Cells whose every run broke are recorded as
 * `error` without checks (a note says so: re-run them before committing the baseline).
 */
export function baselineOf(results: ResultsFile | readonly RunResult[] | readonly ResultsFile[], previous?: Baseline): { baseline: Baseline; notes: string[] } {
  const cells: Record<string, BaselineCell> = {};
  const notes: string[] = [];
  const observed = observeCells(runsOf(results));
  for (const key of [...observed.keys()].sort(byCode)) {
    const o = observed.get(key)!;
    const cell: BaselineCell = { verdict: o.verdict };
    if (o.judged > 0) {
      cell.checks = {};
      for (const name of [...o.checks.keys()].sort(byCode)) {
        const c = baselineCheck(o.checks.get(name)!, previous?.cells[key]?.checks?.[name]);
        if (c) cell.checks[name] = c;
      }
    } else if (o.verdict === "error") notes.push(`${key}: every run of it broke (the lab's error), so none of its checks is recorded — re-run it before committing the baseline`);
    if (o.runs.length > o.judged && o.judged > 0 && o.runs.some((r) => r.verdict === "error"))
      notes.push(`${key}: ${o.runs.length - o.judged} of its ${o.runs.length} runs broke (the lab's error): its rates count the other ${o.judged}`);
    cells[key] = cell;
  }
  const todo = Object.values(cells).reduce((n, c) => n + Object.values(c.checks ?? {}).filter((x) => x.verdict === "fail" && isPlaceholder(x.reason)).length, 0);
  if (todo) notes.push(`${todo} known failure(s) have no reason yet: replace each "${REASON_PLACEHOLDER}" with a finding or an issue URL`);
  return { baseline: { format: BASELINE_FORMAT, cells }, notes };
}

/**
 * A baseline as its file holds it: sorted cells, sorted checks, one check per line — a change
 * of verdict or reason is a one-line diff.
 */
export function formatBaseline(b: Baseline): string {
  const s = (v: unknown) => JSON.stringify(v);
  const keys = Object.keys(b.cells).sort(byCode);
  const lines = ["{", `  "format": ${s(b.format)},`, `  "cells": {`];
  keys.forEach((key, i) => {
    const cell = b.cells[key]!;
    const comma = i < keys.length - 1 ? "," : "";
    const names = Object.keys(cell.checks ?? {}).sort(byCode);
    if (!cell.checks) {
      lines.push(`    ${s(key)}: { "verdict": ${s(cell.verdict)} }${comma}`);
      return;
    }
    lines.push(`    ${s(key)}: {`, `      "verdict": ${s(cell.verdict)},`, `      "checks": {`);
    names.forEach((name, j) => {
      const c = cell.checks![name]!;
      const fields = [`"verdict": ${s(c.verdict)}`, ...(c.failed !== undefined ? [`"failed": ${s(c.failed)}`] : []), ...(c.reason !== undefined ? [`"reason": ${s(c.reason)}`] : [])];
      lines.push(`        ${s(name)}: { ${fields.join(", ")} }${j < names.length - 1 ? "," : ""}`);
    });
    lines.push(`      }`, `    }${comma}`);
  });
  lines.push("  }", "}", "");
  return lines.join("\n");
}

/** The baseline file's text for a set of runs (see baselineOf, formatBaseline). */
export function writeBaseline(results: ResultsFile | readonly RunResult[] | readonly ResultsFile[], previous?: Baseline): string {
  return formatBaseline(baselineOf(results, previous).baseline);
}

const rate = (s: string | undefined): [number, number] | undefined => {
  const m = s === undefined ? null : /^(\d+)\/(\d+)$/.exec(s);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
};

/** Check a parsed baseline: the schema, then what a schema cannot say (k < N). Returns the error, naming the field. */
export function baselineError(data: unknown): string | undefined {
  const err = firstSchemaError("baseline", data);
  if (err) return /\/(failed|reason) is not allowed here$/.test(err) ? `${err} (only a failing check has a failure rate or a reason)` : err;
  for (const [key, cell] of Object.entries((data as Baseline).cells))
    for (const [name, c] of Object.entries(cell.checks ?? {})) {
      const r = rate(c.failed);
      if (r && r[0] >= r[1]) return `/cells/${key}/checks/${name}/failed "${c.failed}" must be k/N with k < N (a check failing every time has no "failed")`;
    }
  return undefined;
}

/** Read and check a baseline file; every way it can be wrong is one line naming the file and the field (InputError). */
export function readBaseline(file: string): Baseline {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: ${code === "ENOENT" ? "no such baseline file (write one with faraday baseline write <run-dir>)" : code === "EISDIR" ? "is a folder, not a baseline file" : `cannot be read (${code ?? String(err)})`}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const m = /at position (\d+)/.exec((err as Error).message);
    const where = m ? ` at line ${text.slice(0, Number(m[1])).split("\n").length}` : "";
    throw new InputError(`${file}: not valid JSON${where} — ${(err as Error).message.split("\n")[0]}`);
  }
  const err = baselineError(data);
  if (err) throw new InputError(`${file}: ${err}`);
  return data as Baseline;
}

// ---------------------------------------------------------------------------------------------
// The gate.

export interface CheckClassification {
  cell: string;
  check: string;
  class: GateClass;
  /** This run's verdict: pass, fail, k/N, unknown, or error (the run broke). */
  now: string;
  /** The baseline's: pass, fail, k/N, unknown; absent when it does not have the check. */
  baseline?: string;
  /** The baseline's reason for a known failure. */
  reason?: string;
}

export interface Classification {
  /** Every check of every cell that ran (and the baseline's checks of cells that broke), cells and checks sorted. */
  checks: CheckClassification[];
  newCells: string[];
  vanished: string[];
  counts: Record<GateClass, number>;
  strict: boolean;
  exit: 0 | 1 | 2;
}

export interface GateOptions {
  /** Fail on any difference from the baseline, not only new failures (see the module's docstring). */
  strict?: boolean;
  /** The cells this run selected (a shard's share, a scenario list): only those can vanish. Default: every cell of the baseline. */
  expected?: Iterable<string>;
  /** Tolerate chance in intermittent checks: a new failure also needs P(X ≥ k) < alpha under the baseline's rate. Default: none (the plain rate rule). */
  alpha?: number;
}

/** P(X ≥ k) for X ~ Binomial(n, p). */
export function binomialTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let term = Math.pow(1 - p, n); // P(X = 0)
  let below = 0;
  for (let i = 0; i < k; i++) {
    below += term;
    term *= ((n - i) / (i + 1)) * (p / (1 - p));
  }
  return Math.max(0, 1 - below);
}

function classifyCheck(t: CheckTally | undefined, b: BaselineCheck | undefined, alpha: number | undefined): GateClass {
  if (!t || decided(t) === 0) return "not-judged";
  const now: [number, number] = [t.failed, decided(t)];
  if (!b || b.verdict !== "fail") return now[0] > 0 ? "new-failure" : b?.verdict === "pass" ? "pass" : "new-pass";
  const [K, M] = rate(b.failed) ?? [1, 1];
  if (now[0] === 0) return K === M ? "fixed" : "known";
  const exceeds = now[0] * M > K * now[1]; // k/N > K/M, in integers
  if (!exceeds) return "known";
  if (alpha !== undefined && binomialTail(now[0], now[1], K / M) >= alpha) return "known";
  return "new-failure";
}

const baselineText = (b: BaselineCheck | undefined): string | undefined => (b ? (b.verdict === "fail" ? (b.failed ?? "fail") : b.verdict) : undefined);

/**
 * Classify every check of `results` against `baseline` and decide the gate's exit code (the
 * rules are in the module's docstring). Pure: the same runs and baseline give the same answer.
 */
export function classify(results: ResultsFile | readonly RunResult[] | readonly ResultsFile[], baseline: Baseline, opts: GateOptions = {}): Classification {
  const runs = runsOf(results);
  const observed = observeCells(runs);
  const checks: CheckClassification[] = [];
  const newCells: string[] = [];
  for (const key of [...observed.keys()].sort(byCode)) {
    const o = observed.get(key)!;
    const bcell = baseline.cells[key];
    if (!bcell) newCells.push(key);
    const broke = o.judged === 0 && o.verdict === "error";
    // The checks that ran; for a cell that broke before its checks, the baseline's, not judged.
    const names = new Set([...o.checks.keys(), ...(broke ? Object.keys(bcell?.checks ?? {}) : [])]);
    for (const name of [...names].sort(byCode)) {
      const t = o.checks.get(name);
      const b = bcell?.checks?.[name];
      const cls = classifyCheck(t, b, opts.alpha);
      const bt = baselineText(b);
      checks.push({
        cell: key,
        check: name,
        class: cls,
        now: t && decided(t) > 0 ? tallyText(t) : broke ? "error" : "unknown",
        ...(bt !== undefined ? { baseline: bt } : {}),
        ...(b?.verdict === "fail" && b.reason !== undefined ? { reason: b.reason } : {}),
      });
    }
  }
  const expected = opts.expected ? new Set(opts.expected) : undefined;
  const vanished = Object.keys(baseline.cells)
    .filter((k) => !observed.has(k) && (!expected || expected.has(k)))
    .sort(byCode);
  const counts: Record<GateClass, number> = { "new-failure": 0, known: 0, fixed: 0, "new-pass": 0, pass: 0, "not-judged": 0 };
  for (const c of checks) counts[c.class]++;
  const strict = opts.strict ?? false;
  const differs = counts.fixed + counts["new-pass"] + newCells.length + vanished.length > 0;
  const labCouldNot = runs.some((r) => r.verdict === "error" || r.verdict === "unknown");
  const exit: 0 | 1 | 2 = counts["new-failure"] > 0 || (strict && differs) ? 1 : labCouldNot ? 2 : 0;
  return { checks, newCells, vanished, counts, strict, exit };
}

/** The gate as results.json keeps it: counts, and every check that is not a plain pass. */
export function gateRecord(c: Classification, baselineName: string): GateRecord {
  return {
    baseline: baselineName,
    strict: c.strict,
    exit: c.exit,
    counts: Object.fromEntries(Object.entries(c.counts).filter(([, n]) => n > 0)),
    checks: c.checks.filter((x) => x.class !== "pass"),
    newCells: c.newCells,
    vanished: c.vanished,
  };
}

/** Cell → check → class, for the terminal's per-run lines, junit.xml and the report. */
export function classesByCell(c: Classification | GateRecord): Map<string, Map<string, GateClass>> {
  const out = new Map<string, Map<string, GateClass>>();
  for (const x of c.checks) {
    if (!out.has(x.cell)) out.set(x.cell, new Map());
    out.get(x.cell)!.set(x.check, x.class);
  }
  return out;
}

/** Of a run's checks' classes, the most telling first. */
const RUN_ORDER: GateClass[] = ["new-failure", "fixed", "known", "new-pass", "pass"];

/**
 * A run's class against the baseline (results.json's run.baseline.class, the report's filter):
 * a run that broke is not-judged; a run of a cell the baseline lacks is new-failure when it
 * fails, else new-cell; otherwise the most telling class of its checks — new-failure, fixed,
 * known, new-pass, pass (a run without checks, unsupported or skipped: pass).
 */
export function runClass(r: RunResult, c: Classification): RunGateClass {
  if (r.verdict === "error") return "not-judged";
  const cell = cellKey(r);
  const classes = new Set(c.checks.filter((x) => x.cell === cell && r.checks.some((k) => k.name === x.check)).map((x) => x.class));
  if (c.newCells.includes(cell)) return classes.has("new-failure") ? "new-failure" : "new-cell";
  return RUN_ORDER.find((k) => classes.has(k)) ?? (r.checks.length ? "not-judged" : "pass");
}

/** The runs, each with its class against the baseline (run.baseline). */
export function withRunClasses(runs: readonly RunResult[], c: Classification): RunResult[] {
  return runs.map((r) => ({ ...r, baseline: { class: runClass(r, c) } }));
}

const LABEL: Record<GateClass, string> = {
  "new-failure": "NEW FAILURE",
  known: "known",
  fixed: "FIXED",
  "new-pass": "new pass",
  pass: "pass",
  "not-judged": "not judged",
};

/**
 * The gate for the terminal: one summary line (with "known: N"), then each new failure, fixed
 * check, new cell and vanished cell (a known failure is counted, not listed — `verbose` lists
 * them with their reasons). Every line is made safe for a terminal.
 */
export function gateLines(c: Classification, baselineName: string, opts: { verbose?: boolean } = {}): string[] {
  const n = c.counts;
  const lines = [
    `gate (${baselineName}${c.strict ? ", strict" : ""}): new failures: ${n["new-failure"]}, known: ${n.known}, fixed: ${n.fixed}, new passes: ${n["new-pass"]}, new cells: ${c.newCells.length}, vanished: ${c.vanished.length}, not judged: ${n["not-judged"]} — exit ${c.exit}`,
  ];
  const show: GateClass[] = ["new-failure", "fixed", ...(opts.verbose ? (["known", "new-pass"] as GateClass[]) : [])];
  for (const cls of show)
    for (const x of c.checks.filter((y) => y.class === cls))
      lines.push(`  ${LABEL[cls].padEnd(11)}  ${x.cell}  ${x.check}: now ${x.now}${x.baseline ? `, baseline ${x.baseline}` : ", not in the baseline"}${x.reason ? ` — ${x.reason}` : ""}`);
  for (const cell of c.newCells) lines.push(`  ${"new cell".padEnd(11)}  ${cell}`);
  for (const cell of c.vanished) lines.push(`  ${"vanished".padEnd(11)}  ${cell} (in the baseline, did not run)`);
  return lines.map(terminalLine);
}
