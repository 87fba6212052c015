import { cpSync, existsSync, mkdirSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { InputError } from "../lab/errors.ts";
import { readResultsFile, resultsPath, serializeRun, writeResults, type MergedFrom, type ResultsFile } from "../report/results.ts";
import { writeJunit } from "../report/junit.ts";
import { writeReport } from "../report/html.ts";
import { firstSchemaError } from "../report/schema.ts";
import type { RunResult } from "../report/run.ts";

/**
 * `faraday report merge <dir…> --out <dir>`: join shards — or runs of several clients, brokers,
 * machines — into one results.json, junit.xml and report.html.
 *
 * Runs are matched by id. The same run in two inputs (a shard merged twice, a folder named
 * twice) is kept once; two different results for one id are refused in one line, unless
 * `prefer` says which wins: `first` or `last` (in the order the inputs are given) or `newest`
 * (by the run's startedAt; equal: the later input). Runs keep the order of first appearance.
 * The header: the faraday versions that ran them, the earliest start, the first input's seed,
 * and `merged` listing each input's command, seed, start and how many of its runs were kept.
 */

export type Prefer = "first" | "last" | "newest";

export interface MergeOptions {
  /** Which of two different results for one run id wins; without it, such a merge is refused. */
  prefer?: Prefer;
  /** The command line recorded in the merged header (default: "faraday report merge"). */
  command?: string;
}

interface Input {
  /** As the user named it, for messages. */
  name: string;
  file: ResultsFile;
}

/** A run as it would be written, without its folder: two copies of one run compare equal. */
const fingerprint = (r: RunResult) => JSON.stringify(serializeRun({ ...r, dir: "." }, "."));

function readInput(path: string): Input {
  const file = readResultsFile(path);
  // The merge will be written and validated: a bad input is the user's (one line naming it), not a bug.
  const err = firstSchemaError("results", { runs: file.runs.map((r) => serializeRun({ ...r, dir: "." }, ".")) });
  if (err) throw new InputError(`${resultsPath(path)}: ${err}`);
  return { name: path, file };
}

/**
 * Merge results files (paths of results.json or of folders holding one) or ResultsFiles already
 * read (with each run's dir usable as it is, as readResultsFile gives them).
 */
export function mergeResults(inputs: readonly (string | ResultsFile)[], opts: MergeOptions = {}): ResultsFile {
  if (inputs.length === 0) throw new InputError("name one or more results to merge (invocation folders or results.json files)");
  const read: Input[] = inputs.map((x, i) => (typeof x === "string" ? readInput(x) : { name: `input ${i + 1}`, file: x }));
  const kept = new Map<string, { run: RunResult; from: number; print: string }>();
  const order: string[] = [];
  read.forEach((input, from) => {
    for (const run of input.file.runs) {
      const print = fingerprint(run);
      const had = kept.get(run.id);
      if (!had) {
        kept.set(run.id, { run, from, print });
        order.push(run.id);
        continue;
      }
      if (had.print === print) continue;
      if (!opts.prefer)
        throw new InputError(
          `run ${run.id} has two different results: ${had.run.verdict} in ${read[had.from]!.name} and ${run.verdict} in ${input.name} — say which wins (--prefer first, last or newest)`,
        );
      const later = opts.prefer === "last" || (opts.prefer === "newest" && String(run.startedAt ?? "") >= String(had.run.startedAt ?? ""));
      if (later) kept.set(run.id, { run, from, print });
    }
  });
  const runs = order.map((id) => kept.get(id)!.run);
  const merged: MergedFrom[] = read.map((x, i) => ({
    ...(typeof x.file.faraday === "string" ? { faraday: x.file.faraday } : {}),
    ...(typeof x.file.command === "string" ? { command: x.file.command } : {}),
    ...(Number.isInteger(x.file.seed) ? { seed: x.file.seed } : {}),
    ...(typeof x.file.startedAt === "string" ? { startedAt: x.file.startedAt } : {}),
    runs: [...kept.values()].filter((k) => k.from === i).length,
  }));
  const versions = [...new Set(read.map((x) => x.file.faraday).filter((v): v is string => typeof v === "string" && v !== ""))];
  const starts = read.map((x) => x.file.startedAt).filter((s): s is string => typeof s === "string" && s !== "").sort();
  return {
    faraday: versions.join(", "),
    command: opts.command ?? "faraday report merge",
    seed: read.map((x) => x.file.seed).find((s) => Number.isInteger(s)) ?? 0,
    startedAt: starts[0] ?? "",
    runs,
    merged,
  };
}

/**
 * Write a merge into `outDir`: each run's folder copied in beside results.json (so the folder
 * is whole: report.html finds each timeline, junit.xml each client.log; `copyRuns: false`
 * leaves the folders where they are and points at them relatively), then results.json
 * (validated), junit.xml and report.html through the same writers as `faraday run`.
 */
export function writeMerged(outDir: string, merged: ResultsFile, opts: { copyRuns?: boolean; name?: string } = {}): ResultsFile {
  const out = resolve(outDir);
  if (existsSync(out) && !statSync(out).isDirectory()) throw new InputError(`--out ${outDir} is a file, not a folder`);
  mkdirSync(out, { recursive: true });
  const names = new Map<string, string>();
  const runs = merged.runs.map((r) => {
    const src = r.dir ? resolve(r.dir) : "";
    if (opts.copyRuns === false || !src || !existsSync(src) || !statSync(src).isDirectory() || resolve(src, "..") === out) return { ...r, dir: src || r.dir };
    const name = basename(src);
    const other = names.get(name);
    if (other !== undefined && other !== r.id) throw new InputError(`runs ${other} and ${r.id} both live in folders named ${name}: merge them into different --out folders`);
    names.set(name, r.id);
    const dest = join(out, name);
    if (dest !== src) cpSync(src, dest, { recursive: true, force: true });
    return { ...r, dir: dest };
  });
  const file: ResultsFile = { ...merged, runs };
  writeResults(out, file);
  writeJunit(out, runs, opts.name ?? "faraday merge");
  writeReport(out);
  return file;
}
