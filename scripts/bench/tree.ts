/**
 * One `faraday …` invocation, timed, with the peak resident memory of its whole process tree
 * (faraday, brokers, proxies, MicroPython devices: every descendant, summed, sampled every
 * 250 ms from /proc) and the CPU time of the tree (GNU time, as the repeat harness does).
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";

const repo = resolve(import.meta.dirname, "..", "..");

export interface Timed {
  args: string[];
  wallS: number;
  cpuS: number;
  peakRssMb: number;
  exit: number | null;
  /** 1-minute load average when it started and when it ended. */
  load: [number, number];
  /** faraday's header line (says how many runs at once, and why). */
  header: string;
  /** The invocation folder (out/latest resolved). */
  invocation: string;
}

/** pid → parent pid, for every process now. */
function parents(): Map<number, number> {
  const m = new Map<number, number>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      m.set(Number(d), Number(f[1]));
    } catch {
      // gone meanwhile
    }
  }
  return m;
}

/** Resident memory of `root` and all its descendants, in kB. */
export function treeRssKb(root: number): number {
  const pp = parents();
  const kids = new Map<number, number[]>();
  for (const [pid, ppid] of pp) kids.set(ppid, [...(kids.get(ppid) ?? []), pid]);
  let kb = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (m) kb += Number(m[1]);
    } catch {
      // gone meanwhile
    }
    stack.push(...(kids.get(pid) ?? []));
  }
  return kb;
}

export async function timedFaraday(args: string[], out: string, onLine?: (l: string) => void): Promise<Timed> {
  const load0 = loadavg()[0] ?? 0;
  const child = spawn("/usr/bin/time", ["-f", "%e %U %S", process.execPath, join(repo, "bin", "faraday.mjs"), ...args, "--out", out], {
    cwd: repo,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, child.pid ? treeRssKb(child.pid) : 0)), 250);
  let header = "";
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
    const lines = stdout.split("\n");
    stdout = lines.pop()!;
    for (const l of lines) {
      if (!header && l.startsWith("faraday: ")) header = l;
      onLine?.(l);
    }
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exit = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
  clearInterval(sampler);
  const [wall, user, sys] = (stderr.trim().split("\n").pop() ?? "").split(" ").map(Number);
  const latest = join(out, "latest");
  return {
    args,
    wallS: wall ?? NaN,
    cpuS: (user ?? 0) + (sys ?? 0),
    peakRssMb: Math.round(peak / 1024),
    exit,
    load: [round1(load0), round1(loadavg()[0] ?? 0)],
    header,
    invocation: existsSync(latest) ? latest : out,
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
