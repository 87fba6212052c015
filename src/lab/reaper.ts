import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Nothing a faraday started may outlive it, however it ends — SIGKILL included.
 *
 * Two mechanisms, as testcontainers' Ryuk does it:
 * - **the watchdog** (`harness/reaper/reaper.mjs`): a tiny Node process started once per
 *   `faraday run`, in its own session, reading registrations from a pipe held by faraday. When
 *   the pipe closes (faraday is gone, whatever killed it) it SIGKILLs every process group still
 *   registered and removes every sandbox folder still registered, then exits;
 * - **the stale sweep**: every sandbox holds an owner marker (`.faraday-owner`: the owner's pid
 *   and start time, and the process groups it started). The next faraday start removes the
 *   sandboxes whose owner is gone, and kills their groups, in case the watchdog could not.
 *
 * A sandbox whose owner is alive is never touched (parallel invocations and vitest workers
 * share tmpdir); a folder without a marker (older or foreign) is left alone.
 */

/** The owner marker inside each sandbox. */
export const MARKER = ".faraday-owner";
const HEADER = "faraday sandbox owner";

/** What the sweep and the watchdog need from /proc/<pid>/stat. */
export interface ProcStat {
  /** Process group (field 5). */
  pgrp: number;
  /** Start time in clock ticks after boot (field 22): with the pid, names one process for good. */
  start: string;
}

/** Parse /proc/<pid>/stat; the command name (field 2) may hold spaces and parentheses. */
export function parseStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(")");
  if (close < 0) return undefined;
  // Fields from 3 on: state(3) ppid(4) pgrp(5) … starttime(22).
  const f = text.slice(close + 2).trim().split(/\s+/);
  const pgrp = Number(f[2]);
  const start = f[19];
  if (!Number.isInteger(pgrp) || start === undefined || !/^\d+$/.test(start)) return undefined;
  return { pgrp, start };
}

/** Who owns a sandbox: a process named for good (pid + start time) on one boot, in one pid namespace. */
export interface Identity {
  pid: number;
  /** /proc/<pid>/stat field 22, or "?" where there is no /proc. */
  start: string;
  /** /proc/sys/kernel/random/boot_id, or "?". */
  boot: string;
  /** readlink /proc/self/ns/pid, e.g. "pid:[4026531836]", or "?". */
  pidns: string;
}

export interface Marker extends Identity {
  /** Process groups the owner started in this sandbox, each with its leader's start time. */
  groups: { pgid: number; start: string }[];
}

export function markerText(id: Identity): string {
  return `${HEADER}\npid ${id.pid}\nstart ${id.start}\nboot ${id.boot}\npidns ${id.pidns}\n`;
}

export function groupLine(pgid: number, start: string): string {
  return `pgid ${pgid} ${start}\n`;
}

/** A marker, or undefined for anything else (a foreign file, one still being written). */
export function parseMarker(text: string): Marker | undefined {
  // Only whole lines count: an append cut short must not name a wrong group.
  const lines = text.slice(0, text.lastIndexOf("\n") + 1).split("\n");
  if (lines[0] !== HEADER) return undefined;
  const kv = new Map<string, string>();
  const groups: Marker["groups"] = [];
  for (const line of lines.slice(1)) {
    const m = /^(\w+) (.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === "pgid") {
      const g = /^(\d+) (\d+|\?)$/.exec(m[2]!);
      if (g && Number(g[1]) > 1) groups.push({ pgid: Number(g[1]), start: g[2]! });
    } else kv.set(m[1]!, m[2]!);
  }
  const pid = Number(kv.get("pid"));
  const start = kv.get("start");
  if (!Number.isInteger(pid) || pid <= 0 || start === undefined) return undefined;
  return { pid, start, boot: kv.get("boot") ?? "?", pidns: kv.get("pidns") ?? "?", groups };
}

/**
 * Is the marker's owner still running? `dead` only when certain: another boot, or no process
 * with that pid and start time. A marker from another pid namespace, or written where there was
 * no /proc, cannot be judged: `unknown`, and the sandbox is left alone.
 */
export function ownerState(m: Identity, self: Identity, startOf: (pid: number) => string | undefined): "alive" | "dead" | "unknown" {
  if (self.start === "?" || self.boot === "?") return "unknown"; // no /proc here: judge nothing
  if (m.boot !== "?" && m.boot !== self.boot) return "dead"; // written before a reboot
  if (m.pidns !== self.pidns || m.start === "?") return "unknown";
  if (m.pid === self.pid) return m.start === self.start ? "alive" : "dead";
  const now = startOf(m.pid);
  return now === m.start ? "alive" : "dead";
}

/** The one stderr line of a sweep that removed something. */
export function sweepLine(owners: number[], sandboxes: number, killed: number): string {
  const pids = [...new Set(owners)].sort((a, b) => a - b);
  const s = (n: number, one: string, many: string) => (n === 1 ? one : many);
  let line = `faraday: removed ${sandboxes} stale ${s(sandboxes, "sandbox", "sandboxes")} of ${s(pids.length, "a dead run", "dead runs")} (${s(pids.length, "pid", "pids")} ${pids.join(", ")})`;
  if (killed > 0) line += `, killed ${killed} leftover ${s(killed, "process", "processes")}`;
  return line;
}

// ---------------------------------------------------------------------------------------------
// /proc, for this process and others.

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** A process's start time (/proc/<pid>/stat field 22), or undefined if there is no such process. */
export function startOf(pid: number): string | undefined {
  const t = readText(`/proc/${pid}/stat`);
  return t === undefined ? undefined : parseStat(t)?.start;
}

let me: Identity | undefined;

/** This process, as a marker names it. */
export function selfIdentity(): Identity {
  if (me) return me;
  let pidns = "?";
  try {
    pidns = readlinkSync("/proc/self/ns/pid");
  } catch {
    /* no /proc */
  }
  me = {
    pid: process.pid,
    start: startOf(process.pid) ?? "?",
    boot: readText("/proc/sys/kernel/random/boot_id")?.trim() || "?",
    pidns,
  };
  return me;
}

// ---------------------------------------------------------------------------------------------
// Registration: the marker in each sandbox, and the watchdog's copy.

/** What this process registered, so a watchdog started later learns it too. */
const groups = new Map<number, string>();
const dirs = new Set<string>();
let watchdog: ChildProcess | undefined;

function tell(line: string): void {
  const s = watchdog?.stdin;
  if (!s || s.destroyed || !s.writable) return;
  s.write(line + "\n");
}

/** A new sandbox: write its owner marker (atomically) and have the watchdog remove it if we die. */
export function claimSandbox(dir: string): void {
  if (dir.includes("\n")) return;
  try {
    const tmp = join(dir, `${MARKER}.new`);
    writeFileSync(tmp, markerText(selfIdentity()));
    renameSync(tmp, join(dir, MARKER));
  } catch {
    /* a sandbox without a marker is merely never swept */
  }
  dirs.add(dir);
  tell(`dir ${dir}`);
}

/** A process group just started for a sandbox (its leader's pid): recorded in the marker and told to the watchdog. */
export function registerGroup(dir: string, pgid: number | undefined): void {
  if (pgid === undefined || pgid <= 1) return;
  const start = startOf(pgid) ?? "?";
  try {
    appendFileSync(join(dir, MARKER), groupLine(pgid, start));
  } catch {
    /* the dir went away: nothing to sweep */
  }
  groups.set(pgid, start);
  tell(`pgid ${pgid} ${start}`);
}

/** The group's leader exited and was reaped: its number may be reused, so the watchdog forgets it. */
export function forgetGroup(pgid: number | undefined): void {
  if (pgid === undefined || !groups.delete(pgid)) return;
  tell(`forget ${pgid}`);
}

/** The lab tore its sandbox down; a kept sandbox loses its marker so that no sweep removes it. */
export function releaseSandbox(dir: string, keep = false): void {
  if (keep) rmSync(join(dir, MARKER), { force: true });
  if (dirs.delete(dir)) tell(`undir ${dir}`);
}

const script = fileURLToPath(new URL("../../harness/reaper/reaper.mjs", import.meta.url));

/**
 * Start the watchdog, once per process. It never keeps this process alive (unref'd, and its
 * pipe too), and a watchdog that cannot start costs one line on stderr, not the run.
 */
export function startReaper(opts: { say?: (line: string) => void } = {}): void {
  if (watchdog) return;
  const say = opts.say ?? ((l: string) => console.error(l));
  let said = false;
  const complain = (why: string) => {
    if (said) return;
    said = true;
    say(`faraday: no reaper (${why}): if faraday is killed, its children outlive it until the next faraday start removes them`);
  };
  let child: ChildProcess;
  try {
    // Its own session (detached): a Ctrl-C or a hang-up for faraday's group does not reach it.
    child = spawn(process.execPath, [script], { detached: true, stdio: ["pipe", "ignore", "ignore"], cwd: "/", env: { PATH: process.env.PATH ?? "" } });
  } catch (err) {
    complain(err instanceof Error ? err.message : String(err));
    return;
  }
  watchdog = child;
  child.once("error", (err) => complain(err.message));
  child.once("exit", (code, signal) => {
    watchdog = undefined;
    complain(`it exited early, ${signal ?? `code ${code}`}`);
  });
  child.stdin?.on("error", () => undefined); // a watchdog gone early: writes fail quietly
  child.unref();
  (child.stdin as { unref?: () => void } | null)?.unref?.();
  for (const d of dirs) tell(`dir ${d}`);
  for (const [g, s] of groups) tell(`pgid ${g} ${s}`);
}

// ---------------------------------------------------------------------------------------------
// The stale sweep.

export interface SweepResult {
  /** Sandboxes removed, each with the dead owner's pid. */
  removed: { dir: string; owner: number }[];
  /** Processes killed in their recorded groups. */
  killed: number;
}

/**
 * Remove the sandboxes in `tmp` (default tmpdir(), so TMPDIR counts) whose owner is gone, after
 * SIGKILLing the process groups they recorded that are still ours. Says what it removed in one
 * line (nothing when there was nothing).
 */
export function sweepStaleSandboxes(opts: { tmp?: string; say?: (line: string) => void } = {}): SweepResult {
  const result: SweepResult = { removed: [], killed: 0 };
  const tmp = opts.tmp ?? tmpdir();
  let names: string[];
  try {
    names = readdirSync(tmp).filter((n) => n.startsWith("faraday-"));
  } catch {
    return result;
  }
  const stale: { dir: string; marker: Marker }[] = [];
  for (const n of names) {
    const dir = join(tmp, n);
    const text = readText(join(dir, MARKER));
    const marker = text === undefined ? undefined : parseMarker(text);
    if (!marker) continue;
    if (ownerState(marker, selfIdentity(), startOf) === "dead") stale.push({ dir, marker });
  }
  if (stale.length === 0) return result;

  const members = processGroups();
  for (const { dir, marker } of stale) {
    for (const g of marker.groups) {
      const pids = members.get(g.pgid) ?? [];
      const leader = pids.find((p) => p.pid === g.pgid);
      // The leader still runs: it is ours only if it is the very process we started. The leader
      // gone and the group left: only members that name the sandbox are surely ours.
      if (leader && leader.start === g.start) {
        try {
          process.kill(-g.pgid, "SIGKILL");
          result.killed += pids.length;
        } catch {
          /* gone meanwhile */
        }
      } else if (!leader) {
        for (const p of pids.filter((m) => mentions(m.pid, dir))) {
          try {
            process.kill(p.pid, "SIGKILL");
            result.killed++;
          } catch {
            /* gone meanwhile */
          }
        }
      }
    }
    try {
      rmSync(dir, { recursive: true, force: true });
      result.removed.push({ dir, owner: marker.pid });
    } catch {
      /* not ours to remove after all (permissions): leave it */
    }
  }
  if (result.removed.length)
    (opts.say ?? ((l: string) => console.error(l)))(sweepLine(result.removed.map((r) => r.owner), result.removed.length, result.killed));
  return result;
}

/** Every process by group, from one pass over /proc. */
function processGroups(): Map<number, { pid: number; start: string }[]> {
  const byGroup = new Map<number, { pid: number; start: string }[]>();
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  } catch {
    return byGroup;
  }
  for (const p of pids) {
    const t = readText(`/proc/${p}/stat`);
    const st = t === undefined ? undefined : parseStat(t);
    if (!st) continue;
    const list = byGroup.get(st.pgrp) ?? [];
    list.push({ pid: Number(p), start: st.start });
    byGroup.set(st.pgrp, list);
  }
  return byGroup;
}

/** Does the process work in, or name, the sandbox folder? */
function mentions(pid: number, dir: string): boolean {
  try {
    if (readlinkSync(`/proc/${pid}/cwd`).startsWith(dir)) return true;
  } catch {
    /* not readable */
  }
  return (readText(`/proc/${pid}/cmdline`) ?? "").replace(/\0/g, " ").includes(dir);
}
