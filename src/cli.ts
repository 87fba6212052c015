import { parseArgs } from "node:util";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
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
      return list();
    case "check":
      return check(rest);
    case "doctor": {
      const { doctor } = await import("./tools/doctor.ts");
      return (await doctor()) ? 0 : 2;
    }
    case "setup": {
      const { values } = parseArgs({ args: rest, options: { quiet: { type: "boolean" }, "from-npm": { type: "boolean" } } });
      const { setup } = await import("./tools/setup.ts");
      const ok = await setup({ quiet: values.quiet ?? false, fromNpm: values["from-npm"] ?? false });
      return ok ? 0 : 2;
    }
    default:
      throw new InputError(`unknown command "${cmd}" (commands: run, list, check, doctor, setup; see faraday --help)`);
  }
}

function parseProtocols(p: string): Protocol[] {
  if (p === "all") return ["3.1.1", "5"];
  if (p === "3.1.1" || p === "5") return [p];
  if (p === "3" || p === "4" || p === "311") return ["3.1.1"];
  throw new InputError(`unknown protocol "${p}" (use 3.1.1, 5 or all)`);
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
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
  });
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
  for (const b of brokers) if (!brokerKinds().includes(b)) throw new InputError(`unknown broker "${b}" (brokers: ${brokerKinds().join(", ")}, all)`);

  const { requireTools } = await import("./tools/index.ts");
  let device: DeviceKind;
  let clientName = values.client;
  const tools = await requireTools().catch((err: unknown) => {
    throw new LabError(oneLine(err));
  });
  if (values.device === "node") {
    device = nodeReference();
    clientName ??= "mqttjs";
    if (clientName !== "mqttjs") throw new InputError(`--device node runs the MQTT.js reference client; drop --client ${clientName}`);
  } else if (values.device === "unix") {
    device = unixPort({ micropython: tools.micropython.argv, mpyCross: tools.mpyCross?.path });
    clientName ??= "aiomqttc";
    if (clientName === "mqttjs") throw new InputError("the mqttjs client runs with --device node");
  } else {
    throw new InputError(`unknown device "${values.device}" (devices: unix, node)`);
  }
  const client = resolveClient(clientName, values["client-path"], (m) => (tools.clients as Record<string, { dir: string; version: string }>)[m]);

  const outDir = resolve(values.out!);
  const stamp = new Date().toISOString().replace(/[:]/g, "").replace(/\..*/, "");
  const invocation = join(outDir, `${stamp}-${(positionals[0] ?? values.suite ?? "run").replace(/[^A-Za-z0-9._-]/g, "-")}`);
  mkdirSync(invocation, { recursive: true });
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
          dir: join(invocation, `${e.scenario.id}.${client.name}.v${p}.${b}`),
          seed,
          command,
          toxiproxyBin: tools.toxiproxy.path,
          progress: (l) => console.log(`  ${l}`),
        });

  console.log(`faraday: ${specs.length} run(s) of ${client.name} (${client.revision}) on ${device.kind}, seed ${seed} → ${invocation}`);
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
  await Promise.all(Array.from({ length: Math.min(parallel, specs.length) }, worker));
  save();
  const done = results.filter(isRun);
  const counts = new Map<string, number>();
  for (const r of done) counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1);
  const tally = [...counts].map(([v, n]) => `${n} ${v}`).join(", ");
  const diffs = declaredVsFound(done);
  if (diffs.length) {
    console.log(`faraday: declared vs found — ${diffs.length} difference(s):`);
    for (const d of diffs) console.log(`  ${d.kind === "undeclared-gap" ? "undeclared gap " : "declared gap works"}  ${d.feature} §${d.spec}  ${d.client} v${d.protocol} ${d.broker}`);
  }
  console.log(`faraday: ${tally || "no run finished"}${interrupted ? " (interrupted)" : ""} — ${join(invocation, "report.html")}`);
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

async function check(args: string[]): Promise<number> {
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
  const file = JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as ResultsFile;
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof InputError || err instanceof LabError) console.error(`faraday: ${oneLine(err)}`);
    else console.error(`faraday: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    for (const lab of liveLabs()) lab.killAllNow();
    process.exit(2);
  },
);
