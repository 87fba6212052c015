import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { InputError, LabError, oneLine } from "./lab/errors.ts";
import { liveLabs } from "./lab/lab.ts";
import { startReaper, sweepStaleSandboxes } from "./lab/reaper.ts";
import { loadScenarios, select } from "./scenario/registry.ts";
import { exitCode, type RunVerdict } from "./checks/verdict.ts";
import type { CheckContext } from "./scenario/dsl.ts";
import { findRunDirs, readRunResult, summaryLines, writeResults, type ResultsFile } from "./report/results.ts";
import { recheck } from "./report/recheck.ts";
import { writeJunit } from "./report/junit.ts";
import { writeReport } from "./report/html.ts";
import { clip, terminalLine } from "./report/safeText.ts";
import { helpText } from "./cli/help.ts";
import { parseCommand } from "./cli/options.ts";
import { run } from "./cli/run.ts";
import { watchSignals } from "./cli/signals.ts";
import { version } from "./cli/version.ts";
import { checkOutDir } from "./cli/outDir.ts";
import { readBaseline, type Baseline } from "./gate/baseline.ts";
import { baselineWriteCommand, compareCommand, gateInvocation, mergeCommand, type CommandResult } from "./gate/commands.ts";
import type { Prefer } from "./gate/merge.ts";
import { cellKey } from "./report/run.ts";

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  sweepStaleSandboxes(); // what a killed faraday left behind: its sandboxes and their processes
  if (cmd === "run" || cmd === "board") startReaper(); // this invocation's children die with it, even by SIGKILL
  if (!cmd || cmd === "--help" || cmd === "-h" || cmd === "help") {
    console.log(helpText());
    return cmd ? 0 : 2;
  }
  switch (cmd) {
    case "run":
      return run(rest);
    case "list": {
      const { values, positionals } = parseCommand("list", rest, { help: { type: "boolean", short: "h" }, suite: { type: "string" } }, true);
      if (values.help) return usage(0);
      return list(values.suite, positionals);
    }
    case "check":
      return check(rest);
    case "baseline":
      return baselineCmd(rest);
    case "report":
      return reportCmd(rest);
    case "board": {
      const { boardCommand } = await import("./cli/board.ts");
      return boardCommand(rest);
    }
    case "doctor": {
      if (parseCommand("doctor", rest, { help: { type: "boolean", short: "h" } }).values.help) return usage(0);
      const { doctor } = await import("./tools/doctor.ts");
      return (await doctor()) ? 0 : 2;
    }
    case "setup": {
      const { values } = parseCommand("setup", rest, { quiet: { type: "boolean" }, "from-npm": { type: "boolean" }, help: { type: "boolean", short: "h" } });
      if (values.help) return usage(0);
      const { setup } = await import("./tools/setup.ts");
      const ok = await setup({ quiet: values.quiet ?? false, fromNpm: values["from-npm"] ?? false });
      return ok ? 0 : 2;
    }
    default:
      throw new InputError(`unknown command "${clip(cmd, 60)}" (commands: run, list, check, baseline, report, board, doctor, setup; see faraday --help)`);
  }
}

function usage(code: number): number {
  console.log(helpText());
  return code;
}

/** Suites in the order a newcomer wants them: resilience first, compliance last. */
const SUITE_ORDER = ["resilience", "floods", "fleet", "history", "manual", "compliance"];
const suiteRank = (s: string) => (SUITE_ORDER.indexOf(s) < 0 ? SUITE_ORDER.length - 1 : SUITE_ORDER.indexOf(s));

/**
 * The scenarios, resilience first; `--suite` narrows to one suite (or a folder of it, e.g.
 * compliance/v5), words narrow to scenarios whose id, title, faults or checks contain every
 * one of them. The id column is as wide as the longest id shown.
 */
async function list(suite: string | undefined, words: string[]): Promise<number> {
  const all = await loadScenarios();
  const entries = suite ? select(all, [], suite) : [...all.values()];
  const needles = words.map((w) => w.toLowerCase());
  const shown = entries
    .map((e) => ({ e, checks: e.scenario.checks(placeholderCtx).map((c) => c.name) }))
    .filter(({ e, checks }) => {
      const text = [e.scenario.id, e.scenario.title, ...(e.scenario.faults ?? []), ...checks].join(" ").toLowerCase();
      return needles.every((n) => text.includes(n));
    })
    .sort((a, b) => suiteRank(a.e.suite) - suiteRank(b.e.suite));
  if (shown.length === 0) {
    console.error(`faraday: no scenario matches${suite ? ` in suite ${suite}` : ""}${words.length ? ` "${words.join(" ")}"` : ""}`);
    return 2;
  }
  const idWidth = Math.max(...shown.map(({ e }) => e.scenario.id.length)) + 2;
  const suiteWidth = Math.max(...shown.map(({ e }) => e.suite.length)) + 2;
  const indent = "".padEnd(idWidth + suiteWidth);
  for (const { e, checks } of shown) {
    console.log(`${e.scenario.id.padEnd(idWidth)}${e.suite.padEnd(suiteWidth)}${e.scenario.title}`);
    if (e.scenario.faults?.length) console.log(`${indent}faults: ${e.scenario.faults.join(", ")}`);
    console.log(`${indent}checks: ${checks.join(", ")}`);
  }
  const suites = [...new Set(shown.map(({ e }) => e.suite))];
  console.log(`${shown.length} scenario(s) in ${suites.join(", ")}; run one with: faraday run <id>, a suite with: faraday run --suite <suite>`);
  return 0;
}

/** Checks are built from the run's context; listing only needs their names. */
const placeholderCtx: CheckContext = {
  scenario: "",
  protocol: "3.1.1",
  client: {} as never,
  manifest: { name: "", protocols: [], unsupported: {} },
  bounds: { connectMs: 0, reconnectCycleMs: 0, reconnectAfterHealMs: 0, outageDetectionMs: 0, deliveryMs: 0 },
  broker: { kind: "", durable: true },
  topics: { up: "", down: "", base: "" },
};

async function check(rawArgs: string[]): Promise<number> {
  const { values, positionals: args } = parseCommand("check", rawArgs, { help: { type: "boolean", short: "h" } }, true);
  if (values.help) return usage(0);
  if (args.length === 0) throw new InputError("name one or more run folders (e.g. faraday check reports/latest)");
  const scenarios = await loadScenarios();
  const verdicts: RunVerdict[] = [];
  for (const a of args) {
    const dirs = findRunDirs(resolve(a));
    if (dirs.length === 0) throw new InputError(`${a} holds no timeline.jsonl (neither a run folder nor a folder of runs)`);
    for (const d of dirs) {
      const r = recheck(d, scenarios);
      verdicts.push(r.verdict);
      for (const line of summaryLines(r)) console.log(line);
    }
    // A folder of runs: its own results.json, junit.xml and report follow the new verdicts.
    const top = resolve(a);
    if (dirs.length && !dirs.includes(top) && existsSync(join(top, "results.json"))) refreshInvocation(top, dirs, a);
  }
  return exitCode(verdicts);
}

/** `faraday <cmd> <sub> …`: the subcommand (the first argument), or one line naming those there are; undefined for --help. */
function subcommand(cmd: string, args: string[], subs: string[], example: string): { sub: string; rest: string[] } | undefined {
  const [sub, ...rest] = args;
  if (sub === "--help" || sub === "-h") return undefined;
  if (sub === undefined) throw new InputError(`faraday ${cmd} wants a subcommand: ${subs.join(" or ")} (e.g. ${example})`);
  if (!subs.includes(sub)) throw new InputError(`unknown subcommand "${clip(sub, 60)}" of faraday ${cmd} (${subs.join(", ")}; e.g. ${example})`);
  return { sub, rest };
}

const print = (r: CommandResult): number => {
  for (const line of r.lines) console.log(line);
  return r.exit;
};

/** `faraday baseline write <run-dir…> [--out faraday-baseline.json]`. */
function baselineCmd(args: string[]): number {
  const s = subcommand("baseline", args, ["write"], "faraday baseline write reports/latest");
  if (!s) return usage(0);
  const { values, positionals } = parseCommand("baseline write", s.rest, { out: { type: "string", default: "faraday-baseline.json" }, help: { type: "boolean", short: "h" } }, true);
  if (values.help) return usage(0);
  return print(baselineWriteCommand(positionals, values.out));
}

const PREFER = ["first", "last", "newest"];

/** `faraday report merge <dir…> --out <dir> [--prefer …] [--baseline <file> [--strict]]` and `faraday report compare <a> <b>`. */
function reportCmd(args: string[]): number {
  const s = subcommand("report", args, ["merge", "compare"], "faraday report merge shard-1 shard-2 --out merged");
  if (!s) return usage(0);
  if (s.sub === "compare") {
    const { values, positionals } = parseCommand("report compare", s.rest, { help: { type: "boolean", short: "h" } }, true);
    if (values.help) return usage(0);
    if (positionals.length !== 2)
      throw new InputError(`faraday report compare takes two runs, the earlier first (e.g. faraday report compare reports/before reports/latest), not ${positionals.length}`);
    return print(compareCommand([positionals[0]!], [positionals[1]!]));
  }
  const { values, positionals } = parseCommand(
    "report merge",
    s.rest,
    { out: { type: "string" }, prefer: { type: "string" }, baseline: { type: "string" }, strict: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    true,
  );
  if (values.help) return usage(0);
  if (positionals.length === 0) throw new InputError("name the runs to merge (e.g. faraday report merge shard-1 shard-2 --out merged)");
  if (values.out === undefined) throw new InputError("faraday report merge wants --out <dir>: where the merged results.json, junit.xml and report.html go");
  if (values.prefer !== undefined && !PREFER.includes(values.prefer)) throw new InputError(`--prefer wants first, last or newest, not "${clip(values.prefer, 40)}"`);
  if (values.strict && values.baseline === undefined) throw new InputError("--strict is a rule of the baseline gate: give it with --baseline <file>");
  checkOutDir(values.out);
  return print(mergeCommand(positionals, values.out, { ...(values.prefer ? { prefer: values.prefer as Prefer } : {}), ...(values.baseline !== undefined ? { baseline: values.baseline } : {}), strict: values.strict ?? false }));
}

/** `shown`: the folder as the user named it, for the terminal. */
function refreshInvocation(dir: string, runDirs: string[], shown = dir): void {
  const path = join(dir, "results.json");
  let file: ResultsFile;
  try {
    file = JSON.parse(readFileSync(path, "utf8")) as ResultsFile;
    if (typeof file !== "object" || file === null || !Array.isArray(file.runs) || !file.runs.every((r) => typeof r?.dir === "string")) throw new Error("it holds no list of runs");
  } catch (err) {
    // The runs themselves were re-checked and rewritten; only the folder's summary could not be.
    throw new InputError(`${path} is damaged (${oneLine(err)}): its runs were re-checked, the folder's summary was not rewritten`);
  }
  const fresh = new Map(runDirs.map((d) => [basename(d), readRunResult(d)]));
  file.runs = file.runs.map((r) => fresh.get(basename(r.dir)) ?? r);
  if (file.gate) {
    // The gate judged the old verdicts: judge the new ones against the same baseline when it
    // is still where the record names it, else drop the classification rather than keep a stale one.
    const record = file.gate;
    const { gate: _stale, ...rest } = file;
    const found = [record.baseline, join(dir, record.baseline)].find((p) => existsSync(p));
    let baseline: Baseline | undefined;
    try {
      baseline = found ? readBaseline(found) : undefined;
    } catch {
      baseline = undefined;
    }
    if (baseline) {
      const cells = new Set([...file.runs.map((r) => cellKey(r)), ...record.vanished]);
      const g = gateInvocation(dir, rest, baseline, record.baseline, { strict: record.strict, expected: cells });
      console.log(terminalLine(`faraday: ${shown}: judged again against ${record.baseline}`));
      for (const line of g.lines) console.log(line);
      return;
    }
    file = { ...rest, runs: rest.runs.map(({ baseline: _class, ...r }) => r) };
    console.log(terminalLine(`faraday: ${shown}: its gate against ${record.baseline} no longer holds and was dropped (that baseline is not here to judge again; faraday report merge ${shown} --out <dir> --baseline <file> does)`));
  }
  writeResults(dir, file);
  writeJunit(dir, file.runs);
  writeReport(dir);
}

// Ctrl-C and SIGTERM stop every run and keep partial results.
watchSignals();

/**
 * A real bug: one line on the terminal saying where to report it; the stack, the command line
 * and the versions go to a file in the temp folder rather than over the user's screen.
 */
function internalError(err: unknown): string {
  const stack = err instanceof Error ? (err.stack ?? err.message) : String(err);
  let where: string;
  try {
    let v = "";
    try {
      v = version();
    } catch {
      /* no version: still save the stack */
    }
    const file = join(tmpdir(), `faraday-internal-error-${new Date().toISOString().replace(/[:.]/g, "")}-${process.pid}.txt`);
    writeFileSync(file, [`faraday ${v}`, `node ${process.version} ${process.platform}-${process.arch}`, `command: faraday ${process.argv.slice(2).join(" ")}`, `cwd: ${process.cwd()}`, "", stack, ""].join("\n"));
    where = `stack in ${file}`;
  } catch (e) {
    where = `stack not saved: ${oneLine(e)}`;
  }
  return `faraday: internal error: ${oneLine(err)} — please report it with the command line and reports/latest (${where})`;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof InputError || err instanceof LabError) console.error(terminalLine(`faraday: ${oneLine(err)}`));
    else console.error(terminalLine(internalError(err)));
    for (const lab of liveLabs()) lab.killAllNow();
    process.exit(2);
  },
);
