import { existsSync, lstatSync, readdirSync, writeFileSync } from "node:fs";
import { basename, isAbsolute, join, normalize, resolve } from "node:path";
import { exitCode } from "../checks/verdict.ts";
import { InputError } from "../lab/errors.ts";
import { readResultsFile, writeResults, type ResultsFile } from "../report/results.ts";
import { writeJunit } from "../report/junit.ts";
import { writeReport } from "../report/html.ts";
import { terminalLine } from "../report/safeText.ts";
import type { RunResult } from "../report/run.ts";
import { baselineOf, classify, formatBaseline, gateLines, gateRecord, readBaseline, withRunClasses, type Baseline, type Classification, type GateOptions } from "./baseline.ts";
import { compareExit, compareLines, compareRuns, type CompareOptions, type Comparison } from "./compare.ts";
import { mergeResults, writeMerged, type Prefer } from "./merge.ts";
import { durationsOf, parseShard, shard } from "./shard.ts";

/**
 * What the CLI's gate commands do, one function each, so that src/cli wires options to them and
 * prints their lines (every line already made safe for a terminal) and returns their exit code:
 *
 *   faraday baseline write <run-dir…> [--out faraday-baseline.json]   → baselineWriteCommand
 *   faraday run … --baseline <file> [--strict]                         → readBaseline before the
 *                                                                        runs, gateInvocation after
 *   faraday run … --shard i/n [--durations <results>]                  → shardSelection
 *   faraday report merge <dir…> --out <dir> [--prefer …] [--baseline …] → mergeCommand
 *   faraday report compare <a> <b>                                     → compareCommand
 */

export interface CommandResult {
  lines: string[];
  exit: 0 | 1 | 2;
}

/** A baseline file as results.json names it: as typed when relative, else its file name (no absolute path in results). */
export function baselineName(path: string): string {
  return isAbsolute(path) ? basename(path) : normalize(path).split("\\").join("/");
}

/**
 * The results files paths name: each a run folder, an invocation folder or a results.json — or
 * a folder of those (a CI artifact folder holding shard-1/, shard-2/…, or a reports folder that
 * `--out` named: every child folder that holds a results.json, symbolic links such as `latest`
 * skipped, in name order).
 */
export function resultsInputs(paths: readonly string[]): string[] {
  return paths.flatMap((p) => {
    const abs = resolve(p);
    if (existsSync(abs) && lstatSync(abs).isDirectory() && !existsSync(join(abs, "results.json"))) {
      const children = readdirSync(abs, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(join(abs, d.name, "results.json")))
        .map((d) => join(p, d.name))
        .sort();
      if (children.length === 0) throw new InputError(`${p} holds no results.json, nor folders that do`);
      return children;
    }
    return [p];
  });
}

/** Runs named by paths (see resultsInputs). */
export function readRunSet(paths: readonly string[]): RunResult[] {
  return resultsInputs(paths).flatMap((p) => readResultsFile(p).runs);
}

/**
 * `faraday baseline write <run-dir…> [--out <file>]`: the baseline of the runs, written to `out`
 * (default faraday-baseline.json). An existing file there is read first (it must be a valid
 * baseline): the reasons people wrote are kept for checks that still fail. Exit 0.
 */
export function baselineWriteCommand(inputs: readonly string[], out = "faraday-baseline.json"): CommandResult {
  if (inputs.length === 0) throw new InputError("name the runs to take the baseline from (e.g. faraday baseline write reports/latest)");
  // The file it would replace first: one that is not a baseline is refused, and kept as it is.
  const previous: Baseline | undefined = existsSync(out) ? readBaseline(out) : undefined;
  const runs = readRunSet(inputs);
  if (runs.length === 0) throw new InputError(`${inputs.join(", ")}: no runs to take a baseline from`);
  const { baseline, notes } = baselineOf(runs, previous);
  try {
    writeFileSync(out, formatBaseline(baseline));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "its folder does not exist" : code === "EACCES" || code === "EPERM" ? "no permission" : code === "EISDIR" ? "it is a folder" : code === "EROFS" ? "read-only file system" : (code ?? String(err));
    throw new InputError(`--out ${out}: cannot write the baseline there (${why})`);
  }
  const checks = Object.values(baseline.cells).flatMap((c) => Object.values(c.checks ?? {}));
  const known = checks.filter((c) => c.verdict === "fail").length;
  const intermittent = checks.filter((c) => c.failed !== undefined).length;
  const lines = [
    `faraday: baseline of ${Object.keys(baseline.cells).length} cell(s), ${checks.length} check(s), ${known} known failure(s)${intermittent ? ` (${intermittent} intermittent)` : ""}${previous ? ", reasons kept from the previous file" : ""} → ${out}`,
    ...notes.map((n) => `  ${n}`),
  ];
  return { lines: lines.map(terminalLine), exit: 0 };
}

/**
 * After `faraday run … --baseline`: classify the invocation's runs, rewrite its results.json
 * (with `gate`), junit.xml (classes as properties, known-only failures skipped) and report.html,
 * and give the gate's lines and exit code. `file` is the invocation as the CLI holds it (runs
 * with their dirs); `opts.expected` the run ids the invocation selected (so a shard's other
 * cells do not count as vanished).
 */
export function gateInvocation(
  invocationDir: string,
  file: ResultsFile,
  baseline: Baseline,
  baselinePath: string,
  opts: GateOptions & { junitName?: string } = {},
): CommandResult & { classification: Classification } {
  const classification = classify(file.runs, baseline, opts);
  const gate = gateRecord(classification, baselineName(baselinePath));
  const runs = withRunClasses(file.runs, classification);
  writeResults(invocationDir, { ...file, runs, gate });
  writeJunit(invocationDir, runs, opts.junitName, { gate });
  writeReport(invocationDir);
  return { lines: gateLines(classification, baselineName(baselinePath)), exit: classification.exit, classification };
}

/**
 * `faraday report merge <dir…> --out <dir> [--prefer first|last|newest] [--baseline <file> [--strict]]`:
 * one results.json, junit.xml and report.html (and the run folders) in `out`. Without a baseline
 * the exit code is the runs' usual one (0 / 1 / 2); with one, the gate's over the whole merge.
 */
export function mergeCommand(
  inputs: readonly string[],
  out: string,
  opts: { prefer?: Prefer; command?: string; baseline?: string; strict?: boolean } = {},
): CommandResult {
  const baseline = opts.baseline ? readBaseline(opts.baseline) : undefined;
  const merged = mergeResults(resultsInputs(inputs), { ...(opts.prefer ? { prefer: opts.prefer } : {}), command: opts.command ?? ["faraday report merge", ...inputs.map((i) => (isAbsolute(i) ? basename(i) : i))].join(" ") });
  const written = writeMerged(out, merged);
  const tally = new Map<string, number>();
  for (const r of written.runs) tally.set(r.verdict, (tally.get(r.verdict) ?? 0) + 1);
  const lines = [`faraday: merged ${written.runs.length} run(s) from ${inputs.length} input(s): ${[...tally].map(([v, n]) => `${n} ${v}`).join(", ") || "no runs"} — ${join(out, "report.html")}`];
  if (!baseline) return { lines: lines.map(terminalLine), exit: exitCode(written.runs.map((r) => r.verdict)) };
  const g = gateInvocation(out, written, baseline, opts.baseline!, { strict: opts.strict ?? false, junitName: "faraday merge" });
  return { lines: [...lines.map(terminalLine), ...g.lines], exit: g.exit };
}

/** `faraday report compare <a> <b>`: each side a run set (readRunSet). Exit 1 when b has a new failure, else 0. */
export function compareCommand(a: readonly string[], b: readonly string[], opts: CompareOptions = {}): CommandResult & { comparison: Comparison } {
  const comparison = compareRuns(readRunSet(a), readRunSet(b), opts);
  const name = (xs: readonly string[]) => xs.map((x) => (isAbsolute(x) ? basename(x) : x)).join(" + ");
  return { lines: compareLines(comparison, { a: name(a), b: name(b) }), exit: compareExit(comparison), comparison };
}

/**
 * `--shard i/n [--durations <results>]`: the items of this shard, in their order. `idOf` gives an
 * item's run id (`<scenario>.<client>.v<protocol>.<broker>`); durations, when a results file (or
 * folder) is named, balance the shards by its runs' durations.
 */
export function shardSelection<T>(items: readonly T[], idOf: (t: T) => string, shardText: string, durationsFrom?: string): T[] {
  const { index, count } = parseShard(shardText);
  const durations = durationsFrom ? durationsOf(readRunSet([durationsFrom])) : undefined;
  const mine = new Set(shard(items.map(idOf), index, count, durations));
  return items.filter((t) => mine.has(idOf(t)));
}
