/**
 * `npm run bench`: where the time goes, measured (never asserted in a test). Writes
 * bench/results.json and prints a table:
 *
 * - the default suite (resilience) serially (`--parallel 1`) and with the default parallelism
 *   (no `--parallel`: what the machine carries), same seed: wall time, speed-up, CPU and peak
 *   resident memory of the whole process tree, and whether the verdicts are the same;
 * - lab overhead per scenario, from each run's phases (results.json `phases`): the lab's share
 *   (setup, teardown, the scenario outside its waits) over the scenario's scripted waits and
 *   the client's own time (connect, waits on it, drain, stop); and for the whole invocation,
 *   wall time over the sum of those;
 * - fault apply → in effect on the wire, per fault kind (p50/p99; scripts/bench/wire.ts);
 * - the fleet reconnect distribution for 10/50/100 devices (the AP-reboot fleet scenario), when
 *   scenarios/fleet/ exists.
 *
 *   npm run bench [-- --quick] [--client <name> --client-path <dir>] [--device unix|node] [--seed 7] [--parallel N] [--out bench]
 *   npm run bench -- --repeat 5 -- run <faraday run arguments>   (the repeat-and-time harness)
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, freemem, loadavg, tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { requireTools } from "../src/tools/index.ts";
import { faultLatencies, pct, type Latency } from "./bench/wire.ts";
import { timedFaraday, type Timed } from "./bench/tree.ts";

const argv = process.argv.slice(2);

interface SavedRun {
  id: string;
  scenario: string;
  verdict: string;
  durationMs: number;
  phases?: Record<string, number>;
  /** A fleet run's figures (the fleet branch's checks/fleet.ts FleetStats), as far as the bench reads them. */
  fleet?: {
    reconnect?: { back: number; p50Ms?: number; p90Ms?: number; maxMs?: number; sync?: { most: number } };
    peakReconnectRate?: { perSecond: number };
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean" },
      client: { type: "string" },
      "client-path": { type: "string" },
      device: { type: "string" },
      seed: { type: "string", default: "7" },
      suite: { type: "string", default: "resilience" },
      out: { type: "string", default: "bench" },
      reps: { type: "string" },
      parallel: { type: "string" },
    },
  });
  const repo = resolve(import.meta.dirname, "..");
  const quick = values.quick ?? false;
  const scratch = mkdtempSync(join(tmpdir(), "faraday-bench-"));
  const clientArgs = [
    ...(values.client ? ["--client", values.client] : []),
    ...(values["client-path"] ? ["--client-path", values["client-path"]] : []),
    ...(values.device ? ["--device", values.device] : []),
  ];
  // Quick: a smoke run of two short scenarios; else the whole suite.
  const selection = quick ? ["ap-loss-short", "broker-restart-without-persistence"] : ["--suite", values.suite!];
  const runArgs = ["run", ...selection, ...clientArgs, "--seed", values.seed!];
  const say = (l: string) => console.log(`bench: ${l}`);
  const machine = { cores: availableParallelism(), freeGb: Math.round((freemem() / 1024 **3) * 10) / 10, loadAtStart: loadavg().map((x) => Math.round(x * 10) / 10) };
  say(`${quick ? "quick" : "full"} — ${machine.cores} cores, load ${machine.loadAtStart.join(" ")}, ${machine.freeGb} GB free; scratch ${scratch}`);

  // ── 1. the suite, serially and at the default parallelism
  say(`${runArgs.join(" ")} --parallel 1 …`);
  const serial = await timedFaraday([...runArgs, "--parallel", "1"], join(scratch, "serial"));
  say(`serial: ${serial.wallS} s (load ${serial.load.join("→")})`);
  // The default (what the machine carries now), or a given --parallel: on a machine loaded by
  // others the default is 1, and the speed-up is then measured at a stated level.
  const parArgs = values.parallel ? ["--parallel", values.parallel] : [];
  say(`${runArgs.join(" ")} ${values.parallel ? `--parallel ${values.parallel}` : "(default --parallel)"} …`);
  const parallel = await timedFaraday([...runArgs, ...parArgs], join(scratch, "parallel"));
  say(`default: ${parallel.wallS} s — ${parallel.header.replace(/^.*?, (parallel [^→]*) →.*$/, "$1")} (load ${parallel.load.join("→")})`);
  const sRuns = runsOf(serial.invocation);
  const pRuns = runsOf(parallel.invocation);
  const moved = sRuns.filter((r) => pRuns.find((p) => p.id === r.id)?.verdict !== r.verdict).map((r) => `${r.id}: ${r.verdict} → ${pRuns.find((p) => p.id === r.id)?.verdict ?? "missing"}`);

  // ── 2. lab overhead, per scenario (serial runs: nothing else of ours competes)
  const overhead = overheadOf(sRuns);
  const own = (r: SavedRun) => (r.phases ? r.phases.connectMs! + r.phases.scriptedWaitMs! + r.phases.clientWaitMs! + r.phases.drainMs! + r.phases.stopMs! : 0);
  const ownS = sRuns.reduce((s, r) => s + own(r), 0) / 1000;
  const labS = sRuns.reduce((s, r) => s + (r.phases?.labMs ?? 0), 0) / 1000;

  // ── 3. fault apply → in effect, on the wire
  const tools = await requireTools();
  const reps = Number(values.reps ?? (quick ? 5 : 30));
  say(`fault apply → in effect on the wire, ${reps} repetitions per fault …`);
  const wire = await faultLatencies(tools, reps);

  // ── 4. the fleet's reconnect distribution
  const fleet = await fleetBench(repo, scratch, quick, clientArgs, values.seed!, say);

  const results = {
    when: new Date().toISOString(),
    quick,
    machine,
    command: runArgs.join(" "),
    suite: {
      runs: sRuns.length,
      serial: summaryOf(serial),
      parallel: summaryOf(parallel),
      speedUp: round2(serial.wallS / parallel.wallS),
      sameVerdicts: moved.length === 0,
      moved,
    },
    overhead: {
      /** Over the suite run serially: the runs' own time (scripted waits + the client's) and the rest. */
      ownS: round2(ownS),
      labInRunsS: round2(labS),
      labInRunsPct: round2((100 * labS) / ownS),
      /** Wall time of the whole serial invocation over the runs' own time: process start, loading, reports too. */
      invocationPct: round2((100 * (serial.wallS - ownS)) / ownS),
      perScenario: overhead,
    },
    wire,
    fleet,
  };
  const outDir = resolve(repo, values.out!);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "results.json"), JSON.stringify(results, null, 2) + "\n");
  console.log("\n" + table(results).join("\n"));
  say(`written ${join(values.out!, "results.json")}`);
}

function summaryOf(t: Timed) {
  // The header without its "→ <folder>": no path of this machine in bench/results.json.
  return { wallS: t.wallS, cpuS: round2(t.cpuS), peakRssMb: t.peakRssMb, load: t.load, header: t.header.replace(/ → .*$/, ""), exit: t.exit };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function runsOf(invocation: string): SavedRun[] {
  const f = join(invocation, "results.json");
  if (!existsSync(f)) return [];
  return (JSON.parse(readFileSync(f, "utf8")) as { runs: SavedRun[] }).runs.filter((r) => r.durationMs > 0);
}

/** Per scenario: mean wall, the runs' own time, the lab's share and its percentage over the own time. */
function overheadOf(runs: SavedRun[]) {
  const by = new Map<string, SavedRun[]>();
  for (const r of runs) if (r.phases) by.set(r.scenario, [...(by.get(r.scenario) ?? []), r]);
  return [...by].map(([scenario, rs]) => {
    const mean = (f: (r: SavedRun) => number) => rs.reduce((s, r) => s + f(r), 0) / rs.length / 1000;
    const p = (r: SavedRun, k: string) => r.phases![k] ?? 0;
    const scripted = mean((r) => p(r, "scriptedWaitMs"));
    const client = mean((r) => p(r, "connectMs") + p(r, "clientWaitMs") + p(r, "drainMs") + p(r, "stopMs"));
    const lab = mean((r) => p(r, "labMs"));
    return {
      scenario,
      runs: rs.length,
      wallS: round2(mean((r) => r.durationMs)),
      scriptedS: round2(scripted),
      clientS: round2(client),
      labS: round2(lab),
      setupS: round2(mean((r) => p(r, "setupMs"))),
      teardownS: round2(mean((r) => p(r, "teardownMs"))),
      labPct: round2((100 * lab) / (scripted + client)),
    };
  });
}

/** The AP-reboot fleet scenario at 10/50/100 devices: when each device came back after the heal. */
async function fleetBench(repo: string, scratch: string, quick: boolean, clientArgs: string[], seed: string, say: (l: string) => void) {
  const dir = join(repo, "scenarios", "fleet");
  const file = existsSync(dir) ? readdirSync(dir).find((f) => /ap-?reboot/i.test(f)) : undefined;
  if (!file) {
    say("fleet scenarios not present (scenarios/fleet/ with an AP-reboot scenario): fleet section skipped");
    return { present: false as const, note: "fleet scenarios not present" };
  }
  const id = /id:\s*"([^"]+)"/.exec(readFileSync(join(dir, file), "utf8"))?.[1] ?? basename(file, ".ts");
  const sizes = quick ? [10] : [10, 50, 100];
  const rows = [];
  for (const n of sizes) {
    say(`fleet ${id} with ${n} devices …`);
    const t = await timedFaraday(["run", id, ...clientArgs, "--fleet-size", String(n), "--protocol", "3.1.1", "--seed", seed, "--parallel", "1"], join(scratch, `fleet-${n}`));
    const run = runsOf(t.invocation)[0];
    // The run's own fleet figures (results.json `fleet`, on the devices' clocks) when it has
    // them; else the first up per device after the last heal, on the host's clock.
    const own = run?.fleet?.reconnect;
    const tl = run ? join(t.invocation, run.id, "timeline.jsonl") : undefined;
    const d = own
      ? { back: own.back, p50Ms: own.p50Ms ?? NaN, p90Ms: own.p90Ms ?? NaN, maxMs: own.maxMs ?? NaN, sameHundredMs: own.sync?.most ?? NaN, ...(run.fleet?.peakReconnectRate ? { peakReconnectsPerS: run.fleet.peakReconnectRate.perSecond } : {}) }
      : tl && existsSync(tl)
        ? reconnectDistribution(readFileSync(tl, "utf8"))
        : undefined;
    rows.push({ devices: n, verdict: run?.verdict ?? "none", wallS: t.wallS, peakRssMb: t.peakRssMb, load: t.load, ...(d ?? { back: 0 }) });
  }
  return { present: true as const, scenario: id, rows };
}

/** From a fleet timeline: per device, its first `up` after the last fault's end, in ms after it. */
export function reconnectDistribution(text: string) {
  const events = text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { t: number; src: string; kind: string; device?: string });
  const healed = events.filter((e) => e.src === "fault" && e.kind === "end").at(-1)?.t;
  if (healed === undefined) return undefined;
  const first = new Map<string, number>();
  for (const e of events) if (e.src === "device" && e.kind === "up" && e.t >= healed && e.device && !first.has(e.device)) first.set(e.device, e.t - healed);
  const xs = [...first.values()];
  // The most devices back within one 100 ms window: a fleet without jitter comes back together.
  const sorted = [...xs].sort((a, b) => a - b);
  let same100 = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! > 100) i++;
    same100 = Math.max(same100, j - i + 1);
  }
  return { back: xs.length, p50Ms: round2(pct(xs, 50)), p90Ms: round2(pct(xs, 90)), maxMs: round2(Math.max(...xs)), sameHundredMs: same100 };
}

function table(r: {
  machine: { cores: number; loadAtStart: number[] };
  suite: { runs: number; serial: ReturnType<typeof summaryOf>; parallel: ReturnType<typeof summaryOf>; speedUp: number; sameVerdicts: boolean; moved: string[] };
  overhead: { ownS: number; labInRunsS: number; labInRunsPct: number; invocationPct: number; perScenario: ReturnType<typeof overheadOf> };
  wire: Latency[];
  fleet: Awaited<ReturnType<typeof fleetBench>>;
}): string[] {
  const l: string[] = [];
  const s = r.suite;
  const par = /parallel \d+ \([^)]*\)|parallel \d+/.exec(s.parallel.header)?.[0] ?? "default";
  l.push(`| measure | value |`, `|---|---|`);
  l.push(`| suite (${s.runs} runs), serial | ${s.serial.wallS} s (CPU ${s.serial.cpuS} s, peak RSS ${s.serial.peakRssMb} MB, load ${s.serial.load.join("→")}) |`);
  l.push(`| suite, ${par} | ${s.parallel.wallS} s (CPU ${s.parallel.cpuS} s, peak RSS ${s.parallel.peakRssMb} MB, load ${s.parallel.load.join("→")}) |`);
  l.push(`| speed-up | ${s.speedUp} × — verdicts ${s.sameVerdicts ? "identical" : `differ: ${s.moved.join("; ")}`} |`);
  l.push(`| lab overhead in runs | ${r.overhead.labInRunsS} s over ${r.overhead.ownS} s of scripted waits and client time (${r.overhead.labInRunsPct} %) |`);
  l.push(`| lab overhead, whole invocation | ${r.overhead.invocationPct} % (serial wall time over the runs' own time) |`);
  for (const w of r.wire)
    l.push(`| fault ${w.fault}: apply / in effect on the wire | p50 ${w.applyMs.p50} / ${w.inEffectMs.p50} ms, p99 ${w.applyMs.p99} / ${w.inEffectMs.p99} ms (${w.n} reps${w.unseen ? `, ${w.unseen} unseen` : ""}) |`);
  if (r.fleet.present)
    for (const f of r.fleet.rows)
      l.push(`| fleet ${f.devices} devices (${r.fleet.scenario}) | ${f.verdict}, ${f.back} back: p50 ${"p50Ms" in f ? f.p50Ms : "–"} ms, p90 ${"p90Ms" in f ? f.p90Ms : "–"} ms, max ${"maxMs" in f ? f.maxMs : "–"} ms, ${"sameHundredMs" in f ? f.sameHundredMs : "–"} within one 100 ms; peak RSS ${f.peakRssMb} MB |`);
  else l.push(`| fleet | fleet scenarios not present |`);
  l.push("", `| scenario | wall s | scripted s | client s | lab s (setup+teardown) | lab % |`, `|---|---|---|---|---|---|`);
  for (const o of r.overhead.perScenario) l.push(`| ${o.scenario} | ${o.wallS} | ${o.scriptedS} | ${o.clientS} | ${o.labS} (${o.setupS}+${o.teardownS}) | ${o.labPct} |`);
  return l;
}

// Last, once every constant above is initialised.
if (argv.includes("--")) await import("./bench/repeat.ts"); // the repeat-and-time harness reads process.argv itself
else await main();
