// `faraday run`: its options checked before anything starts (each mistake one line, exit 2),
// then every scenario × broker × protocol run, `--parallel` at a time, each in its own sandbox.
import { join } from "node:path";
import { brokerFactory, brokerKinds, defaultBroker } from "../brokers/index.ts";
import { exitCode } from "../checks/verdict.ts";
import { resolveClient } from "../devices/clients.ts";
import { DEVICES, defaultDevice, deviceNames, type DeviceDescriptor } from "../devices/index.ts";
import { isIP } from "node:net";
import type { Scenario } from "../scenario/dsl.ts";
import { terminalBench, type Bench } from "../scenario/bench.ts";
import { InputError, LabError, oneLine } from "../lab/errors.ts";
import { declaredVsFound } from "../report/compliance.ts";
import { writeReport } from "../report/html.ts";
import { writeJunit } from "../report/junit.ts";
import { linkLatest, summaryLines, writeResults } from "../report/results.ts";
import { clip, terminalLine } from "../report/safeText.ts";
import { loadScenarios, select } from "../scenario/registry.ts";
import { runOne, type RunResult, type RunSpec } from "../scenario/runner.ts";
import { helpText } from "./help.ts";
import { parseCommand, parseProtocols } from "./options.ts";
import { defaultParallel, parallelNote, thisMachine } from "./parallel.ts";
import { checkOutDir, childDir, makeDirs } from "./outDir.ts";
import { wasInterrupted } from "./signals.ts";
import { version } from "./version.ts";
import type { Protocol } from "../brokers/broker.ts";
import { readBaseline } from "../gate/baseline.ts";
import { gateInvocation, shardSelection } from "../gate/commands.ts";
import { repeatId, repeatLines, repeatSeed } from "../gate/repeat.ts";
import { parseShard } from "../gate/shard.ts";
import { MAX_FLEET } from "../scenario/fleet.ts";
import { loadBoardProfile } from "../boards/profile.ts";
import { WIFI_PASSWORD_ENV, wifiCredentials } from "../serial/wifi.ts";

const isRun = (x: unknown): x is RunResult => typeof x === "object" && x !== null;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    "run",
    args,
    {
      suite: { type: "string" },
      client: { type: "string" },
      "client-path": { type: "string" },
      protocol: { type: "string", default: "all" },
      broker: { type: "string", default: defaultBroker },
      device: { type: "string", default: defaultDevice },
      "host-address": { type: "string" },
      "wifi-ssid": { type: "string" },
      unattended: { type: "boolean" },
      parallel: { type: "string" },
      seed: { type: "string" },
      out: { type: "string", default: "reports" },
      "broker-port": { type: "string" },
      baseline: { type: "string" },
      strict: { type: "boolean" },
      shard: { type: "string" },
      durations: { type: "string" },
      repeat: { type: "string", default: "1" },
      "fleet-size": { type: "string" },
      board: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    true,
  );
  if (values.help) {
    console.log(helpText());
    return 0;
  }
  const protocols = parseProtocols(values.protocol!);
  // Not given: what the machine carries now (cores, load, free memory), said in the header.
  const { kind, arg: deviceArg } = parseDevice(values.device!);
  const machine = values.parallel === undefined ? thisMachine() : undefined;
  const parallel = machine ? Math.min(defaultParallel(machine), kind.runsAtOnce ?? Infinity) : Number(values.parallel);
  const heldBy = machine && kind.runsAtOnce !== undefined && kind.runsAtOnce < defaultParallel(machine) ? `--device ${kind.name} runs ${kind.runsAtOnce} at a time` : undefined;
  if (!Number.isInteger(parallel) || parallel < 1) throw new InputError(`--parallel wants a whole number ≥ 1, not "${values.parallel}"`);
  if (kind.runsAtOnce !== undefined && parallel > kind.runsAtOnce)
    throw new InputError(`--device ${kind.name} runs ${kind.runsAtOnce} scenario at a time (one board, one port): --parallel ${kind.runsAtOnce}, or leave --parallel out`);
  const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 1_000_000;
  if (!Number.isInteger(seed)) throw new InputError(`--seed wants a whole number, not "${values.seed}"`);
  const repeat = Number(values.repeat);
  if (!/^\d+$/.test(values.repeat!) || !Number.isSafeInteger(repeat) || repeat < 1 || repeat > MAX_REPEAT)
    throw new InputError(`--repeat wants a whole number from 1 to ${MAX_REPEAT}, not "${clip(values.repeat!, 40)}"`);
  const fleetSize = values["fleet-size"] !== undefined ? Number(values["fleet-size"]) : undefined;
  if (fleetSize !== undefined && (!/^\d+$/.test(values["fleet-size"]!) || fleetSize < 1 || fleetSize > MAX_FLEET))
    throw new InputError(`--fleet-size wants a whole number from 1 to ${MAX_FLEET}, not "${clip(values["fleet-size"]!, 40)}"`);
  // The gate's inputs are read before anything starts: a bad file or shard is one line, and nothing is made.
  if (values.strict && values.baseline === undefined) throw new InputError("--strict is a rule of the baseline gate: give it with --baseline <file>");
  if (values.durations !== undefined && values.shard === undefined) throw new InputError("--durations balances shards: give it with --shard i/n");
  const baseline = values.baseline !== undefined ? readBaseline(values.baseline) : undefined;
  if (values.shard !== undefined) parseShard(values.shard);
  const scenarios = select(await loadScenarios(), positionals, values.suite);
  const bench = guidedBench(scenarios.map((e) => e.scenario), values.unattended ?? false, parallel);
  const brokers = values.broker === "all" ? brokerKinds() : [values.broker!];
  const brokerPort = values["broker-port"] !== undefined ? Number(values["broker-port"]) : undefined;
  if (brokerPort !== undefined && !(Number.isInteger(brokerPort) && brokerPort > 0 && brokerPort < 65536))
    throw new InputError(`--broker-port wants a TCP port number, not "${values["broker-port"]}"`);
  for (const b of brokers) if (!brokerKinds().includes(b)) throw new InputError(`unknown broker "${clip(b, 60)}" (brokers: ${brokerKinds().join(", ")}, all)`);
  const hostAddress = values["host-address"];
  if (hostAddress !== undefined && !isIP(hostAddress)) throw new InputError(`--host-address wants the IP address the device reaches this machine at (e.g. 192.168.1.20), not "${clip(hostAddress, 60)}"`);
  if (kind.refusesClientPath && values["client-path"] !== undefined) throw new InputError(kind.refusesClientPath);
  if (values["wifi-ssid"] !== undefined && !kind.takesWifi) throw new InputError(`--wifi-ssid is the WiFi of a board on the bench: give it with --device serial:<port> (not --device ${kind.name})`);
  const wifi = wifiCredentials(values["wifi-ssid"], process.env);
  // Read once; no process the lab starts (broker, proxy, device) inherits the password.
  delete process.env[WIFI_PASSWORD_ENV];
  const outDir = checkOutDir(values.out!);
  const board = values.board !== undefined ? loadBoardProfile(values.board) : undefined;

  const { requireTools } = await import("../tools/index.ts");
  const tools = await requireTools().catch((err: unknown) => {
    throw new LabError(oneLine(err));
  });
  const clientName = values.client ?? kind.defaultClient;
  const refused = kind.refuses?.(clientName);
  if (refused) throw new InputError(refused);
  const device = kind.make(tools, { ...(deviceArg !== undefined ? { arg: deviceArg } : {}), ...(hostAddress !== undefined ? { hostAddress } : {}), ...(wifi ? { wifi } : {}) });
  // A board is asked once before anything starts: no port, or no MicroPython on it, is one line.
  if (kind.argument && deviceArg !== undefined && kind.probe) await kind.probe(deviceArg).catch((err: unknown) => {
    throw new InputError(oneLine(err));
  });
  const client = resolveClient(clientName, values["client-path"], (m) => tools.clients[m]);

  const stamp = new Date().toISOString().replace(/[:]/g, "").replace(/\..*/, "");
  const invocation = childDir(outDir, `${stamp}-${(positionals[0] ?? values.suite ?? "run").replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 80)}`);
  // Every run folder is checked before the first is made: a name that leaves the invocation is refused.
  const runDir = (name: string) => childDir(invocation, name);
  for (const e of scenarios) for (const b of brokers) for (const p of protocols) for (let k = 1; k <= repeat; k++) runDir(repeatId(`${e.scenario.id}.${client.name}.v${p}.${b}`, k));
  const command = ["faraday", "run", ...args].join(" ");

  // The cells, then this shard's share of them (repeats of a cell stay together), then each
  // cell's repeats: repeat 1 of every cell first, so an interrupted invocation has the most cells.
  const cellOf = (e: (typeof scenarios)[number], p: Protocol, b: string) => `${e.scenario.id}.${client.name}.v${p}.${b}`;
  let cells: { e: (typeof scenarios)[number]; b: string; p: Protocol; cell: string }[] = [];
  for (const e of scenarios)
    for (const b of brokers)
      for (const p of protocols.filter((x) => !e.scenario.protocols || e.scenario.protocols.includes(x))) cells.push({ e, b, p, cell: cellOf(e, p, b) });
  if (values.shard !== undefined) cells = shardSelection(cells, (c) => c.cell, values.shard, values.durations);
  const specs: RunSpec[] = [];
  for (let k = 1; k <= repeat; k++)
    for (const { e, b, p, cell } of cells)
      specs.push({
        scenario: e.scenario,
        client,
        device,
        broker: brokerFactory(b, tools, { port: brokerPort, durable: e.scenario.broker?.durable ?? true, settings: e.scenario.broker?.settings }),
        protocol: p,
        dir: runDir(repeatId(cell, k)),
        ...(k > 1 ? { runId: repeatId(cell, k) } : {}),
        seed: repeatSeed(seed, k, values.seed !== undefined),
        command,
        toxiproxyBin: tools.toxiproxy.path,
        ...(fleetSize !== undefined ? { fleetSize } : {}),
        ...(bench ? { bench } : {}),
        ...(board ? { board } : {}),
        progress: (l) => console.log(`  ${terminalLine(l)}`),
      });
  makeDirs(invocation, values.out!);
  linkLatest(outDir, invocation);

  const what = `${specs.length} run(s)${repeat > 1 ? ` (${cells.length} cell(s) × ${repeat} repeats)` : ""}${values.shard !== undefined ? ` — shard ${values.shard}` : ""}`;
  console.log(terminalLine(`faraday: ${what} of ${client.name} (${client.revision}) on ${device.kind}${board ? ` as board ${board.name}` : ""}, seed ${seed}${repeat > 1 && values.seed === undefined ? `…${repeatSeed(seed, repeat, false)}` : ""}, ${parallelNote(Math.min(parallel, specs.length), machine, heldBy)} → ${invocation}`));
  const results: RunResult[] = new Array(specs.length);
  let next = 0;
  const junitName = `faraday ${positionals.join(" ") || values.suite || ""}`.trim();
  const save = () => {
    const done = results.filter(isRun);
    writeResults(invocation, { faraday: version(), command, seed, startedAt: stamp, runs: done });
    writeJunit(invocation, done, junitName);
    writeReport(invocation);
  };
  const began = Date.now();
  const worker = async () => {
    while (next < specs.length && !wasInterrupted()) {
      const i = next++;
      const r = await runOne(specs[i]!);
      results[i] = r;
      for (const line of summaryLines(r)) console.log(line);
      if (specs.length > 1) console.log(progressLine(results.filter(isRun), specs.length, Date.now() - began));
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
    // One line per cell: repeats of a cell that differ the same way are counted, not repeated.
    const lines = new Map<string, number>();
    for (const d of diffs) {
      const line = `  ${d.kind === "undeclared-gap" ? "undeclared gap " : "declared gap works"}  ${d.feature} §${d.spec}  ${d.client} v${d.protocol} ${d.broker}`;
      lines.set(line, (lines.get(line) ?? 0) + 1);
    }
    for (const [line, n] of lines) console.log(terminalLine(`${line}${n > 1 ? ` (in ${n} runs)` : ""}`));
  }
  if (repeat > 1 && done.length) for (const line of repeatLines(done, repeat)) console.log(line);
  const interrupted = wasInterrupted();
  console.log(terminalLine(`faraday: ${tally || "no run finished"}${interrupted ? " (interrupted)" : ""} — ${join(invocation, "report.html")}`));
  if (baseline) {
    // Classified against the baseline: results.json gets its `gate`, junit.xml and the report the classes.
    const g = gateInvocation(invocation, { faraday: version(), command, seed, startedAt: stamp, runs: done }, baseline, values.baseline!, {
      strict: values.strict ?? false,
      expected: cells.map((c) => c.cell),
      junitName,
    });
    for (const line of g.lines) console.log(line);
    return interrupted ? 2 : g.exit;
  }
  if (interrupted) return 2;
  return exitCode(done.map((r) => r.verdict));
}

/** `--device unix`, `--device serial:/dev/ttyUSB0`: the kind, and what follows its colon when it takes one. */
export function parseDevice(value: string): { kind: DeviceDescriptor; arg?: string } {
  const colon = value.indexOf(":");
  const name = colon < 0 ? value : value.slice(0, colon);
  const arg = colon < 0 ? undefined : value.slice(colon + 1);
  const kind = DEVICES[name];
  const names = deviceNames().map((n) => (DEVICES[n]?.argument ? `${n}:${DEVICES[n].argument}` : n));
  if (!kind) throw new InputError(`unknown device "${clip(value, 60)}" (devices: ${names.join(", ")})`);
  if (kind.argument && !arg) throw new InputError(`--device ${name} wants ${kind.argument}: --device ${name}:${kind.argument}`);
  if (!kind.argument && arg !== undefined) throw new InputError(`--device ${name} takes nothing after a colon (devices: ${names.join(", ")})`);
  return { kind, ...(arg !== undefined ? { arg } : {}) };
}

/**
 * Who does the steps only a person can do (scenarios/manual/): the person at this terminal, or
 * with --unattended the lab (it applies the equivalent faults). Refused before anything starts
 * when nobody could answer: no terminal, or runs in parallel asking at once.
 */
function guidedBench(scenarios: readonly Scenario[], unattended: boolean, parallel: number): Bench | undefined {
  const guided = scenarios.filter((s) => s.manual).map((s) => s.id);
  if (guided.length === 0 || unattended) return undefined;
  const which = `${guided.slice(0, 3).join(", ")}${guided.length > 3 ? ", …" : ""}`;
  if (!process.stdin.isTTY)
    throw new InputError(`${which} ${guided.length > 1 ? "have" : "has"} steps only a person can do and there is no terminal to ask: run it at a terminal, or add --unattended to have the lab apply the equivalent faults`);
  if (parallel > 1) throw new InputError(`${which} ${guided.length > 1 ? "have" : "has"} steps only a person can do: run with --parallel 1, so the prompts come one at a time`);
  return terminalBench();
}

/** More repeats than anyone waits for is a typo. */
const MAX_REPEAT = 1000;

/**
 * A long suite's progress after each run: how far (k/N), the verdicts so far, and an estimate
 * of the time left from the mean time per finished run (runs that never started — skipped,
 * unsupported — count as done and cost nothing, so the estimate errs long, not short).
 */
export function progressLine(done: readonly RunResult[], total: number, elapsedMs: number): string {
  const counts = new Map<string, number>();
  for (const r of done) counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1);
  const so = [...counts].map(([v, n]) => `${n} ${v}`).join(", ");
  const left = total - done.length;
  const eta = left > 0 && done.length > 0 ? `, about ${clock((elapsedMs / done.length) * left)} left` : "";
  return `faraday: ${done.length}/${total} done (${so}) after ${clock(elapsedMs)}${eta}`;
}

function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
