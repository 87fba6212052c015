import { existsSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { RunResult } from "./run.ts";
import type { RunVerdict } from "../checks/verdict.ts";
import { complianceSummary } from "./compliance.ts";
import { terminalLine } from "./safeText.ts";
import { at } from "../timeline/event.ts";

export interface ResultsFile {
  faraday: string;
  command: string;
  seed: number;
  startedAt: string;
  runs: RunResult[];
  /** Present when compliance scenarios ran: cells per verdict and declared-vs-found differences. */
  compliance?: ReturnType<typeof complianceSummary>;
}

export function writeResults(dir: string, file: ResultsFile): void {
  const compliance = complianceSummary(file.runs);
  const { compliance: _old, ...rest } = file;
  writeFileSync(join(dir, "results.json"), JSON.stringify({ ...rest, ...(compliance ? { compliance } : {}) }, null, 2) + "\n");
}

/** reports/latest → the newest invocation, as Jepsen's store keeps it. */
export function linkLatest(outDir: string, dir: string): void {
  const link = join(outDir, "latest");
  try {
    rmSync(link, { force: true });
    symlinkSync(basename(dir), link);
  } catch {
    /* a filesystem without symlinks loses only the convenience */
  }
}

const MARK: Record<RunVerdict, string> = {
  pass: "PASS",
  fail: "FAIL",
  unknown: "UNKNOWN",
  error: "ERROR",
  unsupported: "UNSUPPORTED",
  skip: "SKIP",
};

/**
 * One line per run for the terminal; failing checks add their first pieces of evidence.
 * Reasons, summaries and evidence quote the client (topics, its errors): every line goes
 * through terminalLine, so no control character reaches the terminal (see safeText.ts).
 */
export function summaryLines(r: RunResult): string[] {
  return rawSummaryLines(r).map(terminalLine);
}

function rawSummaryLines(r: RunResult): string[] {
  const head = `${MARK[r.verdict].padEnd(11)} ${r.scenario}  ${r.client} v${r.protocol} ${r.broker} (${r.device})  ${(r.durationMs / 1000).toFixed(1)} s`;
  if (r.verdict === "unsupported" && r.probe) return [`${head} — declared: ${r.declared ?? ""}; probe: ${r.probe}`];
  if (r.verdict === "unsupported" || r.verdict === "skip") return [`${head} — ${r.reason ?? ""}`];
  if (r.verdict === "error") {
    // The checks of a broken run are shown for what happened, never as the client's verdict.
    const lines = [`${head} — ${r.reason ?? ""}`];
    if (r.checks.length) {
      const notPass = r.checks.filter((c) => c.verdict !== "pass").map((c) => `${c.name} ${c.verdict}`);
      lines.push(`    not judged (the lab broke at ${at(r.labBreak?.t ?? 0)}): ${r.checks.length - notPass.length}/${r.checks.length} checks pass${notPass.length ? `; ${notPass.join(", ")}` : ""}`);
    }
    return lines;
  }
  const bad = r.checks.filter((c) => c.verdict !== "pass");
  const lines = [`${head} — ${r.checks.length - bad.length}/${r.checks.length} checks pass${r.reason ? `; ${r.reason}` : ""}`];
  for (const c of bad) {
    lines.push(`    ${c.verdict}: ${c.name}: ${c.summary}`);
    for (const e of c.evidence.slice(0, 3)) lines.push(`      ${e.text}`);
  }
  return lines;
}

/** Run folders under `dir` (itself, or its children), each holding a timeline. */
export function findRunDirs(dir: string): string[] {
  if (existsSync(join(dir, "timeline.jsonl"))) return [dir];
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, "timeline.jsonl")))
    .map((d) => join(dir, d.name))
    .sort();
}

export function readRunResult(runDir: string): RunResult | undefined {
  const f = join(runDir, "results.json");
  if (!existsSync(f)) return undefined;
  const parsed = JSON.parse(readFileSync(f, "utf8")) as { runs?: RunResult[] };
  return parsed.runs?.[0];
}
