/**
 * Leak proof: at least 100 runs, some of their invocations interrupted at random moments
 * (SIGINT, or SIGKILL of faraday itself), then a count of what outlived them — processes,
 * listening ports, sandbox folders. Everything must be zero.
 *
 *   npx tsx scripts/leaks.ts [--runs 100] [--seed 1] [--interrupt 0.3] [--out <dir>]
 *
 * How it tells its own leftovers from the rest of the machine (other faraday invocations, other
 * users): every faraday it starts carries a marker in its environment, which every child the lab
 * starts inherits (brokers, proxies, MicroPython, the reaper's watchdog) — a process is ours
 * when /proc/<pid>/environ holds the marker, and a listening socket is ours when one of our
 * processes holds it. The invocations get a private TMPDIR, so every sandbox folder they make is
 * counted there. After each invocation the script waits (polling /proc, up to 10 s) until
 * nothing of it is left: a SIGKILLed faraday's children are the watchdog's to kill, and the next
 * faraday's stale sweep must not be the one that cleans up — so a leftover is counted before
 * the next invocation starts. Each port any run's timeline names (broker, proxy, toxiproxy API)
 * is checked at the end: listening again is said, and a leak only when one of ours holds it.
 *
 * Runs alternate between the MicroPython device (aiomqttc, MQTT 3.1.1) and the node device
 * (MQTT.js, both protocols), on broker-restart-without-persistence, one of the shortest
 * scenarios. Writes <out>/leaks.json; exit 0 when nothing leaked.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { seededRandom } from "../src/lab/random.ts";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "100" },
    seed: { type: "string", default: "1" },
    interrupt: { type: "string", default: "0.3" },
    out: { type: "string" },
  },
});
const wantRuns = Number(values.runs);
const random = seededRandom(Number(values.seed));
const interruptShare = Number(values.interrupt);
const repo = resolve(import.meta.dirname, "..");
const root = values.out ? resolve(values.out) : mkdtempSync(join(tmpdir(), "faraday-leaks-"));
const privateTmp = join(root, "tmp");
const reports = join(root, "reports");
mkdirSync(privateTmp, { recursive: true });
const MARK = `FARADAY_LEAK_MARK=${process.pid}-${Date.now()}`;

/** Our processes: those whose environment holds the marker (never this script itself). */
function markedProcesses(): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${d}/environ`, "latin1");
      if (!env.split("\0").includes(MARK)) continue;
      const cmd = readFileSync(`/proc/${d}/cmdline`, "latin1").split("\0").filter(Boolean).join(" ");
      out.push({ pid: Number(d), cmd: cmd.slice(0, 160) });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}

/** Listening TCP sockets: port → socket inode (/proc/net/tcp and tcp6, state 0A). */
function listening(): Map<number, string> {
  const m = new Map<number, string>();
  for (const f of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!existsSync(f)) continue;
    for (const line of readFileSync(f, "utf8").split("\n").slice(1)) {
      const c = line.trim().split(/\s+/);
      if (c[3] !== "0A") continue;
      m.set(parseInt(c[1]!.split(":").pop()!, 16), c[9]!);
    }
  }
  return m;
}

/** Socket inodes the given processes hold open. */
function socketsOf(pids: number[]): Set<string> {
  const s = new Set<string>();
  for (const pid of pids) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const l = readlinkSync(`/proc/${pid}/fd/${fd}`);
        const m = /^socket:\[(\d+)\]$/.exec(l);
        if (m) s.add(m[1]!);
      }
    } catch {
      // gone meanwhile
    }
  }
  return s;
}

/** What is left of our invocations now. */
function leftovers() {
  const procs = markedProcesses();
  const inodes = socketsOf(procs.map((p) => p.pid));
  const ports = [...listening()].filter(([, inode]) => inodes.has(inode)).map(([port]) => port);
  // tsx keeps its compile cache (tsx-<uid>) in TMPDIR: a cache, not a sandbox.
  const dirs = readdirSync(privateTmp).filter((d) => !/^tsx-\d+$/.test(d));
  return { procs, ports, dirs };
}
const nothing = (l: ReturnType<typeof leftovers>) => l.procs.length === 0 && l.ports.length === 0 && l.dirs.length === 0;

/** Ports the runs' timelines name: every broker, proxy and toxiproxy API a run opened. */
function portsOfRuns(): number[] {
  const ports = new Set<number>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory() && !e.isSymbolicLink()) walk(p);
      else if (e.name === "timeline.jsonl")
        for (const line of readFileSync(p, "utf8").split("\n")) {
          const m = /"kind":"(?:ready|toxiproxy\.ready|link\.proxy|tls\.listener)".*?"(?:port|listen)":(\d+)/.exec(line);
          if (m) ports.add(Number(m[1]));
        }
    }
  };
  if (existsSync(reports)) walk(reports);
  return [...ports];
}

function runsIn(dir: string): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }))
      if (e.isDirectory() && !e.isSymbolicLink()) {
        if (existsSync(join(d, e.name, "timeline.jsonl"))) n++;
        else walk(join(d, e.name));
      }
  };
  walk(dir);
  return n;
}

async function until(pred: () => boolean, withinMs: number): Promise<number> {
  const t0 = Date.now();
  while (!pred() && Date.now() - t0 < withinMs) await new Promise((r) => setTimeout(r, 100));
  return Date.now() - t0;
}

interface Invocation {
  k: number;
  args: string[];
  interrupt?: { signal: "SIGINT" | "SIGKILL"; afterMs: number };
  exit: number | null;
  signal: string | null;
  runs: number;
  cleanAfterMs: number;
  /** At most this many of its processes and listening ports were seen while it ran. */
  seen: { procs: number; ports: number };
  left?: ReturnType<typeof leftovers>;
}

const before = { listening: listening().size, ours: leftovers() };
if (!nothing(before.ours)) throw new Error("leftovers before the first invocation: the marker is not unique");
console.log(`leaks: ${wantRuns} runs, seed ${values.seed}, about ${Math.round(interruptShare * 100)} % of invocations interrupted → ${root}`);
const invocations: Invocation[] = [];
let runs = 0;
for (let k = 1; runs < wantRuns; k++) {
  const unix = k % 2 === 1;
  const out = join(reports, `i${k}`);
  const args = ["run", "broker-restart-without-persistence", ...(unix ? [] : ["--device", "node"]), "--protocol", "all", "--parallel", "2", "--seed", String(k), "--out", out];
  const interrupt = random.chance(interruptShare) ? { signal: random.chance(0.5) ? ("SIGINT" as const) : ("SIGKILL" as const), afterMs: random.int(300, 14_000) } : undefined;
  const child = spawn(process.execPath, [join(repo, "bin", "faraday.mjs"), ...args], {
    cwd: repo,
    env: { ...process.env, [MARK.split("=")[0]!]: MARK.split("=")[1]!, TMPDIR: privateTmp },
    stdio: ["ignore", "ignore", "ignore"],
  });
  const timer = interrupt ? setTimeout(() => child.kill(interrupt.signal), interrupt.afterMs) : undefined;
  // While it runs, what the detector sees of it: proof that the marker finds what it must.
  const seen = { procs: 0, ports: 0 };
  const sampler = setInterval(() => {
    const l = leftovers();
    seen.procs = Math.max(seen.procs, l.procs.length);
    seen.ports = Math.max(seen.ports, l.ports.length);
  }, 1000);
  const [exit, signal] = await new Promise<[number | null, string | null]>((r) => child.on("exit", (c, s) => r([c, s])));
  clearTimeout(timer);
  clearInterval(sampler);
  const cleanAfterMs = await until(() => nothing(leftovers()), 10_000);
  const left = leftovers();
  const n = runsIn(out);
  runs += n;
  const inv: Invocation = { k, args, ...(interrupt ? { interrupt } : {}), exit, signal, runs: n, cleanAfterMs, seen, ...(nothing(left) ? {} : { left }) };
  invocations.push(inv);
  console.log(
    `  #${k} ${unix ? "unix" : "node"}: ${n} run(s)${interrupt ? `, ${interrupt.signal} after ${(interrupt.afterMs / 1000).toFixed(1)} s` : ""}, exit ${exit ?? signal}; up to ${seen.procs} processes and ${seen.ports} ports seen running; ` +
      (nothing(left) ? `nothing left ${cleanAfterMs} ms after it ended` : `LEFT: ${left.procs.length} process(es), ${left.ports.length} port(s), ${left.dirs.length} dir(s)`),
  );
}

const after = leftovers();
const runPorts = portsOfRuns();
const stillListening = runPorts.filter((p) => listening().has(p));
const summary = {
  runs,
  invocations: invocations.length,
  interrupted: { SIGINT: invocations.filter((i) => i.interrupt?.signal === "SIGINT").length, SIGKILL: invocations.filter((i) => i.interrupt?.signal === "SIGKILL").length },
  leaked: { processes: after.procs.length, ports: after.ports.length, sandboxDirs: after.dirs.length },
  /** Ports the runs used that something listens on again now — not ours (else they would be in leaked.ports): reused by others. */
  runPortsListeningAgain: stillListening.length,
  leftBehindBetweenInvocations: invocations.filter((i) => i.left).length,
  /** The most processes and listening ports seen of one invocation while it ran: the detector works. */
  peakSeen: { procs: Math.max(...invocations.map((i) => i.seen.procs)), ports: Math.max(...invocations.map((i) => i.seen.ports)) },
  portsChecked: runPorts.length,
  listeningSocketsOnMachine: { before: before.listening, after: listening().size },
  details: { after, stillListening, invocations },
};
writeFileSync(join(root, "leaks.json"), JSON.stringify(summary, null, 2) + "\n");
// A run's port listening again now is a leak only when one of our processes holds it (then it
// is in after.ports): ephemeral ports are reused, and another program may hold it by now.
const clean = after.procs.length + after.ports.length + after.dirs.length + summary.leftBehindBetweenInvocations === 0;
console.log(
  `leaks: ${runs} runs in ${invocations.length} invocations (${summary.interrupted.SIGINT} SIGINT, ${summary.interrupted.SIGKILL} SIGKILL): ` +
    `${after.procs.length} process(es), ${after.ports.length} listening port(s), ${after.dirs.length} sandbox dir(s) left; ` +
    `${stillListening.length} of the ${runPorts.length} ports the runs used listening again (none held by ours); ` +
    `${summary.leftBehindBetweenInvocations} invocation(s) left something behind after 10 s (while running, up to ${summary.peakSeen.procs} processes and ${summary.peakSeen.ports} ports of one were seen) — ${clean ? "no leak" : "LEAK"} (${join(root, "leaks.json")})`,
);
process.exit(clean ? 0 : 1);
