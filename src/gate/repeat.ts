import type { RunResult } from "../report/run.ts";
import { terminalLine } from "../report/safeText.ts";
import { decided, observeCells, tallyText, type CheckTally } from "./cells.ts";

/**
 * `faraday run … --repeat N` (issue 13 item 8): every cell runs N times — repeat 1 as the cell's
 * own run (id and folder `<scenario>.<client>.v<protocol>.<broker>`), repeat k > 1 as
 * `<cell>.r<k>` — with fresh seeds (the invocation's seed + k − 1) or, given `--seed`, the same
 * seed every time. The runs are ordinary runs: results.json, junit.xml, report.html, merge,
 * compare and baselines read them as they are and group them by cell (report/run.ts cellKey:
 * from the run's fields, never its id). What this module adds is the summary after the runs:
 * per cell and check, how often it failed, with the evidence of each failure — a check failing
 * in some repeats is `fail (intermittent k/N)`, never hidden behind a majority of passes.
 */

/** Repeat k of a cell: its run id (and folder name). Repeat 1 is the cell itself. */
export function repeatId(cell: string, k: number): string {
  return k <= 1 ? cell : `${cell}.r${k}`;
}

/** Repeat k's seed: the invocation's, or fresh for each repeat (the invocation's + k − 1) when no --seed was given. */
export function repeatSeed(seed: number, k: number, fixed: boolean): number {
  return fixed ? seed : seed + k - 1;
}

/** A check's tally as the summary says it: pass, fail (N/N), fail (intermittent k/N), unknown. */
export function tallyWord(t: CheckTally): string {
  const text = tallyText(t);
  const n = decided(t);
  if (text === "fail") return `fail (${t.failed}/${n})`;
  if (text === "pass") return `pass (${n}/${n})`;
  if (text === "unknown") return "unknown (never decided)";
  return `fail (intermittent ${text})`;
}

/** Which repeat a run is, from its id (`<cell>.r<k>`: k; the cell itself: 1). */
function repeatOf(r: RunResult, cell: string): string {
  const m = r.id.startsWith(`${cell}.r`) ? /^\.r(\d+)$/.exec(r.id.slice(cell.length)) : null;
  return m ? `run ${m[1]}` : r.id === cell ? "run 1" : r.id;
}

/**
 * The summary of repeated runs, one block per cell: its tally and, per check that failed at least
 * once, its tally and each failure with the run, its seed, the check's summary and its first
 * pieces of evidence; then runs that broke or could not be judged. Every line is made safe for a
 * terminal.
 */
export function repeatLines(runs: readonly RunResult[], repeat: number, opts: { evidence?: number } = {}): string[] {
  const cells = observeCells(runs);
  const lines = [`faraday: ${repeat} repeats of ${cells.size} cell(s) — per check, how often it failed:`];
  for (const o of cells.values()) {
    const broke = o.runs.filter((r) => r.verdict === "error");
    const notJudged = o.runs.length - o.judged;
    const failedRuns = o.runs.filter((r) => r.verdict === "fail").length;
    const head =
      o.judged === 0
        ? `${o.verdict} (${o.runs.length} run(s), none judged)`
        : failedRuns === 0
          ? `${o.verdict} (${o.judged}/${o.judged})`
          : failedRuns < o.judged
            ? `fail (intermittent ${failedRuns}/${o.judged})`
            : `fail (${failedRuns}/${o.judged})`;
    lines.push(`  ${o.cell}: ${head}${notJudged && o.judged ? `; ${notJudged} more not judged` : ""}`);
    for (const t of o.checks.values()) {
      if (t.failed === 0 && t.unknown === 0) continue;
      lines.push(`    ${t.name}: ${tallyWord(t)}${t.unknown ? `, could not decide in ${t.unknown}` : ""}`);
      for (const r of o.runs) {
        const c = r.verdict !== "error" ? r.checks.find((x) => x.name === t.name && x.verdict === "fail") : undefined;
        if (!c) continue;
        lines.push(`      ${repeatOf(r, o.cell)} (seed ${r.seed}): ${c.summary}`);
        for (const e of c.evidence.slice(0, opts.evidence ?? 2)) lines.push(`        ${e.text}`);
      }
    }
    for (const r of broke) lines.push(`    ${repeatOf(r, o.cell)} (seed ${r.seed}): error — ${r.reason ?? "the lab broke"} (not judged)`);
  }
  return lines.map(terminalLine);
}
