import { existsSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { reproduceCommand, type RunResult } from "./run.ts";
import type { RunVerdict } from "../checks/verdict.ts";
import { complianceSummary } from "./compliance.ts";
import { terminalLine } from "./safeText.ts";
import { firstSchemaError } from "./schema.ts";
import { InputError, oneLine } from "../lab/errors.ts";
import { at } from "../timeline/event.ts";

export interface ResultsFile {
  faraday: string;
  command: string;
  seed: number;
  startedAt: string;
  runs: RunResult[];
  /** Present when compliance scenarios ran: cells per verdict and declared-vs-found differences. */
  compliance?: ReturnType<typeof complianceSummary>;
  /** Present when the runs were judged against a baseline (gate/baseline.ts gateRecord). */
  gate?: GateRecord;
  /** Present in a merge (gate/merge.ts): the invocations it joins. */
  merged?: MergedFrom[];
}

/** A gate's verdict as results.json keeps it (schemas/results.schema.json#/properties/gate). */
export interface GateRecord {
  /** The baseline file as named on the command line when relative, else its file name. */
  baseline: string;
  strict: boolean;
  exit: 0 | 1 | 2;
  counts: Partial<Record<GateClass, number>>;
  /** Every check that is not a plain pass. */
  checks: { cell: string; check: string; class: GateClass; now: string; baseline?: string; reason?: string }[];
  newCells: string[];
  vanished: string[];
}

export type GateClass = "new-failure" | "known" | "fixed" | "new-pass" | "pass" | "not-judged";

export interface MergedFrom {
  faraday?: string;
  command?: string;
  seed?: number;
  startedAt?: string;
  runs: number;
}

/**
 * results.json did not match schemas/results.schema.json as faraday was about to write it: a
 * bug in faraday (not the user's input, not the lab), so the CLI reports it as an internal error.
 */
export class ResultsSchemaError extends Error {
  override readonly name = "ResultsSchemaError";
}

/** The order of a run's fields on disk: identity, verdict and its cause first, the checks last. */
const RUN_FIELDS = [
  "id", "scenario", "title", "client", "clientRevision", "device", "board", "protocol", "broker", "brokerDurable", "seed", "reproduce", "startedAt", "dir",
  "feature", "verdict", "baseline", "cause", "reason", "labBreak", "declared", "probe", "durationMs", "checks",
] as const;

/**
 * `dir` as results.json holds it: relative to the file's folder `base`. In memory a run's dir is
 * absolute (the runner's, a reader's), or already relative to `base` (a run read from that very
 * file and written back, as `faraday check` refreshes an invocation).
 */
function relativeDir(base: string, dir: string): string {
  if (!dir) return ".";
  if (!isAbsolute(dir)) return dir.split(sep).join("/");
  const rel = relative(base, dir);
  return rel === "" ? "." : rel.split(sep).join("/");
}

/**
 * A run as it is written: fields in RUN_FIELDS order (any other field after them, where the
 * schema will name it), `dir` relative to `base`. A run read from a file written before runs
 * carried their reproduce command gets one from its own fields, with a placeholder for the
 * client folder when its revision says it came from one.
 */
export function serializeRun(r: RunResult, base: string): Record<string, unknown> {
  const src: Record<string, unknown> = { ...r, dir: relativeDir(base, r.dir) };
  if (typeof src.reproduce !== "string") {
    const fromFolder = typeof r.clientRevision === "string" && !/^(PyPI |npm )/.test(r.clientRevision);
    src.reproduce = reproduceCommand({ ...r, ...(fromFolder && r.device !== "node" ? { clientPath: "'<client-path>'" } : {}) });
  }
  const out: Record<string, unknown> = {};
  for (const k of RUN_FIELDS) if (src[k] !== undefined) out[k] = src[k];
  for (const [k, v] of Object.entries(src)) if (!(k in out) && v !== undefined) out[k] = v;
  return out;
}

/** Check a results.json against the schema before it is written; a mismatch is a bug (ResultsSchemaError). */
function validated(file: string, data: unknown): string {
  const err = firstSchemaError("results", data);
  if (err) throw new ResultsSchemaError(`${file} would not match schemas/results.schema.json: ${err}`);
  return JSON.stringify(data, null, 2) + "\n";
}

/** The text of an invocation's results.json in folder `dir` (validated), its compliance block recomputed. */
export function resultsJson(dir: string, file: ResultsFile): string {
  const compliance = complianceSummary(file.runs);
  const { compliance: _old, runs, gate, merged, ...rest } = file;
  const data = {
    ...rest,
    runs: runs.map((r) => serializeRun(r, dir)),
    ...(compliance ? { compliance } : {}),
    ...(gate ? { gate } : {}),
    ...(merged ? { merged } : {}),
  };
  return validated(join(dir, "results.json"), data);
}

/** An invocation's results.json: header and every run, each run's `dir` relative to `dir`; validated against the schema. */
export function writeResults(dir: string, file: ResultsFile): void {
  writeFileSync(join(dir, "results.json"), resultsJson(dir, file));
}

/**
 * A run's own results.json, in its folder (`dir` is "."): validated against the schema. The
 * runner and `faraday check` both write through here, field for field in one order, so an
 * unchanged run re-checks byte for byte.
 */
export function writeRunResult(runDir: string, run: RunResult): void {
  writeFileSync(join(runDir, "results.json"), validated(join(runDir, "results.json"), { runs: [serializeRun({ ...run, dir: "." }, runDir)] }));
}

/** The results.json a path names: the file itself, or the one in the folder it names. */
export function resultsPath(path: string): string {
  const file = resolve(path);
  return existsSync(file) && statSync(file).isDirectory() ? join(file, "results.json") : file;
}

/**
 * Read a results.json — a file, or a folder holding one (an invocation, a run) — with each
 * run's `dir` made a path to use as it is (resolved against the file's folder; an absolute dir
 * of a file written before dirs were relative, now missing, falls back to the folder of that
 * name beside the file). Any damage is one line (InputError) naming the file; `strict` also
 * checks it against the schema, naming the field.
 */
export function readResultsFile(path: string, opts: { strict?: boolean } = {}): ResultsFile {
  const file = resultsPath(path);
  if (!existsSync(file)) throw new InputError(`${path} holds no results.json`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new InputError(`${file} is not JSON: ${oneLine(err)}`);
  }
  const runs = (data as { runs?: unknown } | null)?.runs;
  if (typeof data !== "object" || data === null || Array.isArray(data) || !Array.isArray(runs)) throw new InputError(`${file} holds no list of runs`);
  for (const [i, r] of runs.entries()) {
    const ok =
      typeof r === "object" && r !== null && ["id", "scenario", "client", "protocol", "broker", "verdict"].every((k) => typeof (r as Record<string, unknown>)[k] === "string") && Array.isArray((r as RunResult).checks);
    if (!ok) throw new InputError(`${file}: /runs/${i} is not a run (it needs id, scenario, client, protocol, broker, verdict and checks)`);
  }
  if (opts.strict) {
    const err = firstSchemaError("results", data);
    if (err) throw new InputError(`${file}: ${err}`);
  }
  const base = dirname(file);
  const f = data as ResultsFile;
  return { ...f, runs: f.runs.map((r) => ({ ...r, dir: resolveDir(base, r.dir) })) };
}

function resolveDir(base: string, dir: unknown): string {
  if (typeof dir !== "string" || dir === "") return base;
  if (!isAbsolute(dir)) return resolve(base, dir);
  if (existsSync(dir)) return dir;
  const beside = join(base, basename(dir));
  return existsSync(beside) ? beside : dir;
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
 * One line per run for the terminal; a run that failed or could not decide adds its root cause
 * (checks/cause.ts) first, then each failing check with its first pieces of evidence.
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
  // What went wrong first, before any check's evidence (a lab break is already the head's reason).
  if (r.cause) lines.push(`    cause: ${r.cause.line}`);
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

/** A run folder's own result, its `dir` resolved (the folder itself); undefined when it has no results.json. */
export function readRunResult(runDir: string): RunResult | undefined {
  const f = join(runDir, "results.json");
  if (!existsSync(f)) return undefined;
  const parsed = JSON.parse(readFileSync(f, "utf8")) as { runs?: RunResult[] };
  const r = parsed.runs?.[0];
  return r && typeof r === "object" ? { ...r, dir: resolveDir(runDir, r.dir) } : r;
}
