import { parseArgs, type ParseArgsConfig } from "node:util";
import { accessSync, constants, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync, type Stats } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { tmpdir } from "node:os";
import { execFileSync } from "node:child_process";
import { InputError, LabError, oneLine } from "./lab/errors.ts";
import { liveLabs } from "./lab/lab.ts";
import { startReaper, sweepStaleSandboxes } from "./lab/reaper.ts";
import { loadScenarios, select } from "./scenario/registry.ts";
import { runOne, type RunResult, type RunSpec } from "./scenario/runner.ts";
import { resolveClient } from "./devices/clients.ts";
import { unixPort } from "./devices/unix.ts";
import { nodeReference } from "./devices/node.ts";
import type { DeviceKind } from "./devices/device.ts";
import { brokerKinds, brokerFactory } from "./brokers/index.ts";
import { declaredVsFound } from "./report/compliance.ts";
import type { Protocol } from "./brokers/broker.ts";
import { exitCode, type RunVerdict } from "./checks/verdict.ts";
import type { CheckContext } from "./scenario/dsl.ts";
import { findRunDirs, linkLatest, readRunResult, summaryLines, writeResults, type ResultsFile } from "./report/results.ts";
import { recheck } from "./report/recheck.ts";
import { writeJunit } from "./report/junit.ts";
import { writeReport } from "./report/html.ts";
import { repoRoot } from "./tools/paths.ts";
import { clip, terminalLine } from "./report/safeText.ts";

const HELP = `faraday — a fault-injection resilience lab for MQTT clients

Usage
  faraday run <scenario…> | --suite <name>   run scenarios against a real client, broker and proxy
  faraday list                               the scenarios, with their titles and checks
  faraday check <run-dir…>                   re-judge saved runs (rewrites their results.json)
  faraday doctor                             what is installed, what is missing, how to fix it
  faraday setup                              obtain everything the lab needs (idempotent)

Options of run
  --client <name>        client under test: aiomqttc (default, from PyPI), mqtt_as, or any
                         fixtures/clients/<name>.json; mqttjs with --device node
  --client-path <dir>    folder holding the client's package, e.g. a checkout of
                         peterhinch/micropython-mqtt for mqtt_as (or FARADAY_CLIENT_PATH,
                         or faraday.config.json {"clientPaths": {"mqtt_as": "<dir>"}})
  --protocol <p>         3.1.1 | 5 | all (default all)
  --broker <kind>        mosquitto (default) | mochi | aedes | emqx | hivemq |
                         mosquitto-container | all; the last three need a Docker engine
                         and are skipped without one (faraday doctor says which can run)
  --device <kind>        unix (MicroPython unix port, default) | node (MQTT.js reference)
  --parallel <n>         runs at once, each in its own sandbox (default 1)
  --seed <n>             seed of every random choice (default: time based, recorded)
  --out <dir>            where run folders go (default reports/)
  --broker-port <n>      run the broker on this port instead of a free one (one run at a time)

Examples
  npx faraday run broker-crash
  npx faraday run broker-crash --protocol 5 --client mqtt_as --client-path ~/src/micropython-mqtt
  npx faraday run broker-crash --device node --protocol all

Exit codes: 0 every run passed (or was unsupported/skipped, with a reason),
            1 a client failed a check, 2 the lab could not do its job or the input was bad.
Run folders hold timeline.jsonl, results.json and client.log; reports/latest points at the newest.`;

const isRun = (x: unknown): x is RunResult => typeof x === "object" && x !== null;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  sweepStaleSandboxes(); // what a killed faraday left behind: its sandboxes and their processes
  if (cmd === "run") startReaper(); // this invocation's children die with it, even by SIGKILL
  if (!cmd || cmd === "--help" || cmd === "-h" || cmd === "help") {
    console.log(HELP);
    return cmd ? 0 : 2;
  }
  switch (cmd) {
    case "run":
      return run(rest);
    case "list":
      if (parseCommand("list", rest, { help: { type: "boolean", short: "h" } }).values.help) return usage(0);
      return list();
    case "check":
      return check(rest);
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
      throw new InputError(`unknown command "${clip(cmd, 60)}" (commands: run, list, check, doctor, setup; see faraday --help)`);
  }
}

function usage(code: number): number {
  console.log(HELP);
  return code;
}

// ---------------------------------------------------------------------------------------------
// Command lines: every mistake is one sentence, naming the option and what it wants.

type Options = NonNullable<ParseArgsConfig["options"]>;

/** What each option of run takes, for "--suite wants a value: --suite <name>". */
const VALUE_OF: Record<string, string> = {
  suite: "<name> (e.g. resilience, compliance/v5)",
  client: "<name>",
  "client-path": "<dir>",
  protocol: "3.1.1|5|all",
  broker: "<kind>|all",
  device: "unix|node",
  parallel: "<n>",
  seed: "<n>",
  out: "<dir>",
  "broker-port": "<port>",
};

/** Edit distance with transpositions ("sede" is one step from "seed"), for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  return d[a.length]![b.length]!;
}

/** The valid option nearest to a mistyped one, if it is near enough to be what was meant. */
function nearestOption(given: string, options: Options): string | undefined {
  const name = given.replace(/^-+/, "");
  if (name.length < 3) return undefined; // "-p": too short to guess from
  const near = Math.min(2, Math.floor(name.length / 3));
  let best: { opt: string; d: number } | undefined;
  for (const opt of Object.keys(options)) {
    let d = distance(name, opt);
    // A shortened or run-on option ("--prot", "--protocol5") is meant as the one it starts.
    if (d > near && (opt.startsWith(name) || name.startsWith(opt))) d = near + 0.5;
    if (!best || d < best.d) best = { opt, d };
  }
  return best && best.d <= near + 0.5 ? `--${best.opt}` : undefined;
}

/** node:util parseArgs, with its errors (ERR_PARSE_ARGS_*) turned into one line for the user. */
function parseCommand<O extends Options>(cmd: string, args: string[], options: O, allowPositionals = false) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    throw argumentError(cmd, options, err);
  }
  // "--out=" or --out "": an option that wants a value got none.
  for (const [k, v] of Object.entries(parsed.values)) if (v === "") throw new InputError(`--${k} wants a value: --${k} ${VALUE_OF[k] ?? "<value>"}`);
  return parsed;
}

function argumentError(cmd: string, options: Options, err: unknown): Error {
  const code = (err as { code?: string }).code;
  const msg = err instanceof Error ? err.message : String(err);
  const opt = /^(?:Unknown option|Option) '(?:-\w, )?(-{1,2}[^' <]*)/.exec(msg)?.[1];
  const known = Object.keys(options).filter((o) => o !== "help");
  const optionsOf = known.length ? `options of faraday ${cmd}: ${known.map((o) => `--${o}`).join(", ")}` : `faraday ${cmd} takes no options`;
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && opt) {
    const near = nearestOption(opt, options);
    return new InputError(`unknown option ${clip(opt, 60)} (${near ? `did you mean ${near}?` : `${optionsOf}; see faraday ${cmd} --help`})`);
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && opt) {
    const name = opt.replace(/^-+/, "");
    const long = Object.entries(options).find(([k, o]) => k === name || o.short === name)?.[0] ?? name;
    if (options[long]?.type === "boolean") return new InputError(`--${long} takes no value`);
    return new InputError(`--${long} wants a value: --${long} ${VALUE_OF[long] ?? "<value>"}`);
  }
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
    const arg = /Unexpected argument '([^']*)'/.exec(msg)?.[1] ?? "";
    return new InputError(`faraday ${cmd} takes no arguments (got "${clip(arg, 60)}"; see faraday ${cmd} --help)`);
  }
  return err instanceof Error ? err : new Error(msg);
}

function parseProtocols(p: string): Protocol[] {
  // Exactly the names the help gives: "4" or "3" would be a guess at what was meant.
  if (p === "all") return ["3.1.1", "5"];
  if (p === "3.1.1" || p === "5") return [p];
  throw new InputError(`unknown protocol "${clip(p, 40)}" (use 3.1.1, 5 or all)`);
}

// ---------------------------------------------------------------------------------------------
// --out: checked before anything runs, created without fs.mkdirSync's recursive walk.
// (Node's recursive mkdir loops for ever on a path whose parent exists but answers ENOENT for
// a new child, as /proc does: `--out /proc/x` used to spin at 100 % CPU.)

/** Folders that hold no files of ours: kernel and device file systems. */
const SPECIAL_DIRS = ["/proc", "/sys", "/dev"];
const specialUnder = (p: string) => SPECIAL_DIRS.find((d) => p === d || p.startsWith(`${d}/`));

const errCode = (err: unknown) => (err as NodeJS.ErrnoException).code ?? "error";

function statOrMissing(p: string, given: string): Stats | undefined {
  try {
    return statSync(p);
  } catch (err) {
    const code = errCode(err);
    if (code === "ENOENT") {
      // A symbolic link to nothing cannot be created through.
      let link = false;
      try {
        link = lstatSync(p).isSymbolicLink();
      } catch {
        /* really missing */
      }
      if (link) throw new InputError(`--out ${given}: ${p} is a broken symbolic link`);
      return undefined;
    }
    if (code === "EACCES") throw new InputError(`--out ${given}: no permission to look into ${dirname(p)}`);
    if (code === "ELOOP") throw new InputError(`--out ${given}: ${p} is a loop of symbolic links`);
    throw new InputError(`--out ${given}: cannot use ${p} (${code})`);
  }
}

/**
 * Check `--out` before any run starts: it must be a writable folder, or creatable as one —
 * not under a file, not under /proc, /sys or /dev. Returns it as an absolute path.
 */
function checkOutDir(given: string): string {
  const abs = resolve(given);
  const special = specialUnder(abs);
  if (special) throw new InputError(`--out ${given} is under ${special}, which holds no files of ours: choose an ordinary folder`);
  let existing: string = sep;
  for (const part of abs.split(sep).filter(Boolean)) {
    const next = join(existing, part);
    const st = statOrMissing(next, given);
    if (!st) break;
    if (!st.isDirectory()) throw new InputError(`--out ${given}: ${next} is ${st.isFile() ? "a file" : "not a folder"}`);
    existing = next;
  }
  const real = realpathSync(existing);
  const realSpecial = specialUnder(real);
  if (realSpecial) throw new InputError(`--out ${given} leads to ${real}, under ${realSpecial}, which holds no files of ours: choose an ordinary folder`);
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch (err) {
    const why = errCode(err) === "EROFS" ? "is on a read-only file system" : "is not writable (no permission)";
    throw new InputError(`--out ${given}: ${existing} ${why}`);
  }
  return abs;
}

/** Create `dir` and its missing parents one by one: each failure is a sentence, never a loop. */
function makeDirs(dir: string, given: string): void {
  let cur: string = sep;
  for (const part of dir.split(sep).filter(Boolean)) {
    cur = join(cur, part);
    if (statOrMissing(cur, given)) continue;
    try {
      mkdirSync(cur);
    } catch (err) {
      const code = errCode(err);
      if (code === "EEXIST" && statSync(cur).isDirectory()) continue;
      const why = code === "EACCES" || code === "EPERM" ? "no permission" : code === "EROFS" ? "read-only file system" : code === "ENOSPC" ? "no space left" : code;
      throw new InputError(`--out ${given}: cannot create ${cur} (${why})`);
    }
  }
}

/** `parent/name`, refused when the name would lead anywhere else (a "../" in a client's name). */
function childDir(parent: string, name: string): string {
  const dir = resolve(parent, name);
  const rel = relative(parent, dir);
  if (!rel || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel) || rel.includes(sep))
    throw new InputError(`run folder "${clip(name, 80)}" would not be a folder of its own inside ${parent}`);
  return dir;
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    "run",
    args,
    {
      suite: { type: "string" },
      client: { type: "string" },
      "client-path": { type: "string" },
      protocol: { type: "string", default: "all" },
      broker: { type: "string", default: "mosquitto" },
      device: { type: "string", default: "unix" },
      parallel: { type: "string", default: "1" },
      seed: { type: "string" },
      out: { type: "string", default: "reports" },
      "broker-port": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    true,
  );
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const protocols = parseProtocols(values.protocol!);
  const parallel = Number(values.parallel);
  if (!Number.isInteger(parallel) || parallel < 1) throw new InputError(`--parallel wants a whole number ≥ 1, not "${values.parallel}"`);
  const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 1_000_000;
  if (!Number.isInteger(seed)) throw new InputError(`--seed wants a whole number, not "${values.seed}"`);
  const scenarios = select(await loadScenarios(), positionals, values.suite);
  const brokers = values.broker === "all" ? brokerKinds() : [values.broker!];
  const brokerPort = values["broker-port"] !== undefined ? Number(values["broker-port"]) : undefined;
  if (brokerPort !== undefined && !(Number.isInteger(brokerPort) && brokerPort > 0 && brokerPort < 65536))
    throw new InputError(`--broker-port wants a TCP port number, not "${values["broker-port"]}"`);
  for (const b of brokers) if (!brokerKinds().includes(b)) throw new InputError(`unknown broker "${clip(b, 60)}" (brokers: ${brokerKinds().join(", ")}, all)`);
  if (values.device !== "unix" && values.device !== "node") throw new InputError(`unknown device "${clip(values.device!, 60)}" (devices: unix, node)`);
  if (values.device === "node" && values["client-path"] !== undefined)
    throw new InputError("--client-path names a MicroPython client's folder, and --device node runs the MQTT.js reference, which takes none: drop one of them");
  const outDir = checkOutDir(values.out!);

  const { requireTools } = await import("./tools/index.ts");
  let device: DeviceKind;
  let clientName = values.client;
  const tools = await requireTools().catch((err: unknown) => {
    throw new LabError(oneLine(err));
  });
  if (values.device === "node") {
    device = nodeReference();
    clientName ??= "mqttjs";
    if (clientName !== "mqttjs") throw new InputError(`--device node runs the MQTT.js reference client; drop --client ${clip(clientName, 60)}`);
  } else if (values.device === "unix") {
    device = unixPort({ micropython: tools.micropython.argv, mpyCross: tools.mpyCross?.path });
    clientName ??= "aiomqttc";
    if (clientName === "mqttjs") throw new InputError("the mqttjs client runs with --device node");
  } else {
    throw new InputError(`unknown device "${clip(values.device!, 60)}" (devices: unix, node)`);
  }
  const client = resolveClient(clientName, values["client-path"], (m) => (tools.clients as Record<string, { dir: string; version: string }>)[m]);

  const stamp = new Date().toISOString().replace(/[:]/g, "").replace(/\..*/, "");
  const invocation = childDir(outDir, `${stamp}-${(positionals[0] ?? values.suite ?? "run").replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 80)}`);
  // Every run folder is checked before the first is made: a name that leaves the invocation is refused.
  const runDir = (name: string) => childDir(invocation, name);
  for (const e of scenarios) for (const b of brokers) for (const p of protocols) runDir(`${e.scenario.id}.${client.name}.v${p}.${b}`);
  makeDirs(invocation, values.out!);
  linkLatest(outDir, invocation);
  const command = ["faraday", "run", ...args].join(" ");

  const specs: RunSpec[] = [];
  for (const e of scenarios)
    for (const b of brokers)
      for (const p of protocols.filter((x) => !e.scenario.protocols || e.scenario.protocols.includes(x)))
        specs.push({
          scenario: e.scenario,
          client,
          device,
          broker: brokerFactory(b, tools, { port: brokerPort, durable: e.scenario.broker?.durable ?? true, settings: e.scenario.broker?.settings }),
          protocol: p,
          dir: runDir(`${e.scenario.id}.${client.name}.v${p}.${b}`),
          seed,
          command,
          toxiproxyBin: tools.toxiproxy.path,
          progress: (l) => console.log(`  ${terminalLine(l)}`),
        });

  console.log(terminalLine(`faraday: ${specs.length} run(s) of ${client.name} (${client.revision}) on ${device.kind}, seed ${seed} → ${invocation}`));
  const results: RunResult[] = new Array(specs.length);
  let next = 0;
  const save = () => {
    const done = results.filter(isRun);
    writeResults(invocation, { faraday: version(), command, seed, startedAt: stamp, runs: done });
    writeJunit(invocation, done, `faraday ${positionals.join(" ") || values.suite || ""}`.trim());
    writeReport(invocation);
  };
  const worker = async () => {
    while (next < specs.length && !interrupted) {
      const i = next++;
      const r = await runOne(specs[i]!);
      results[i] = r;
      for (const line of summaryLines(r)) console.log(line);
      save();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(parallel, specs.length) }, worker));
  } finally {
    save(); // even after a bug: the runs that finished keep their results, junit.xml and report
  }
  const done = results.filter(isRun);
  const counts = new Map<string, number>();
  for (const r of done) counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1);
  const tally = [...counts].map(([v, n]) => `${n} ${v}`).join(", ");
  const diffs = declaredVsFound(done);
  if (diffs.length) {
    console.log(`faraday: declared vs found — ${diffs.length} difference(s):`);
    for (const d of diffs) console.log(terminalLine(`  ${d.kind === "undeclared-gap" ? "undeclared gap " : "declared gap works"}  ${d.feature} §${d.spec}  ${d.client} v${d.protocol} ${d.broker}`));
  }
  console.log(terminalLine(`faraday: ${tally || "no run finished"}${interrupted ? " (interrupted)" : ""} — ${join(invocation, "report.html")}`));
  if (interrupted) return 2;
  return exitCode(done.map((r) => r.verdict));
}

async function list(): Promise<number> {
  const all = await loadScenarios();
  for (const e of all.values()) {
    const checks = e.scenario.checks(placeholderCtx).map((c) => c.name);
    console.log(`${e.scenario.id.padEnd(28)} ${e.suite.padEnd(12)} ${e.scenario.title}`);
    if (e.scenario.faults?.length) console.log(`${"".padEnd(41)} faults: ${e.scenario.faults.join(", ")}`);
    console.log(`${"".padEnd(41)} checks: ${checks.join(", ")}`);
  }
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
    if (dirs.length && !dirs.includes(top) && existsSync(join(top, "results.json"))) refreshInvocation(top, dirs);
  }
  return exitCode(verdicts);
}

function refreshInvocation(dir: string, runDirs: string[]): void {
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
  writeResults(dir, file);
  writeJunit(dir, file.runs);
  writeReport(dir);
}

function version(): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string };
  let rev = "";
  try {
    rev = execFileSync("git", ["-C", repoRoot, "rev-parse", "--short", "HEAD"], { stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
  } catch {
    /* not a git checkout */
  }
  return rev ? `${pkg.version}+${rev}` : pkg.version;
}

// Ctrl-C / SIGTERM: tear every lab down (the runs then write their partial results);
// a second signal kills whatever is left at once.
let interrupted = false;
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    if (interrupted) {
      for (const lab of liveLabs()) lab.killAllNow();
      process.exit(2);
    }
    interrupted = true;
    console.error(`faraday: ${sig} — stopping every run and keeping partial results (again to force)`);
    for (const lab of liveLabs()) void lab.teardown();
  });
}
process.on("exit", () => {
  for (const lab of liveLabs()) lab.killAllNow();
});

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
