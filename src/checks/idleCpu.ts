import { at, type TimelineEvent } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker } from "./check.ts";
import { isDevice, isLab } from "../timeline/is.ts";

export const idleCpuChecker = defineChecker({
  name: "idleCpu",
  group: "resilience",
  guarantee: "a connected, idle client leaves the CPU idle: a battery-powered board that spins while idle is a bug even when every message arrives (noBusyLoop's heartbeats cannot see a spin that yields)",
  bound: "≤ 5 % of one core over the idle phase: the device process's own CPU accounting on the unix device; on a board, the agent's idle counter (the share of the time its event loop did not wait)",
  factory: idleCpu,
});

/** CPU used over a stretch, and the wall time it was measured over. */
export interface CpuFigure {
  cpuMs: number;
  wallMs: number;
  percent: number;
}

/** One phase's CPU use, by the two measures a device may give. */
export interface PhaseCpu extends CpuFigure {
  name: string;
  from: number;
  to: number;
  /**
   * Which measure cpuMs/wallMs/percent are: the process's CPU accounting (the unix device's
   * `cpu` samples, /proc) when the phase has any, else the agent's idle counter; none: neither.
   */
  source: "process" | "agent" | "none";
  /** From the process's `cpu` samples: CPU ms between the first and last sample in the phase. */
  process?: CpuFigure;
  /** From the agent's heartbeats (`idleMs`): the device's wall time between beats minus the time its loop waited. */
  agent?: CpuFigure;
}

const figure = (cpuMs: number, wallMs: number): CpuFigure => ({ cpuMs, wallMs, percent: wallMs > 0 ? (100 * cpuMs) / wallMs : 0 });

/** A phase's CPU from the process's cumulative `cpu` samples (a process that restarts inside it counts from its new samples). */
function processCpu(events: readonly TimelineEvent[], from: number, to: number): CpuFigure | undefined {
  let cpuMs = 0;
  let wallMs = 0;
  let prev: TimelineEvent | undefined;
  for (const e of events) {
    if (e.t < from || e.t > to || !(isDevice(e, "cpu") || isDevice(e, "exit"))) continue;
    if (isDevice(e, "exit")) {
      prev = undefined;
      continue;
    }
    if (prev && Number(e.cpuMs) >= Number(prev.cpuMs)) {
      cpuMs += Number(e.cpuMs) - Number(prev.cpuMs);
      wallMs += e.t - prev.t;
    }
    prev = e;
  }
  return wallMs > 0 ? figure(cpuMs, wallMs) : undefined;
}

/**
 * A phase's CPU from the agent's idle counter: between two heartbeats of one device, its own
 * clock's advance (`dt_dev`) less the advance of `idleMs` (the time its event loop waited) is
 * the CPU the loop used. Both are the device's own readings, so a host that reads the lines
 * late changes nothing. A restart (exit, hello, a counter or clock that goes back — a soft
 * reset, ticks_ms wrapping) starts the pairs again.
 */
function agentCpu(events: readonly TimelineEvent[], from: number, to: number): CpuFigure | undefined {
  let cpuMs = 0;
  let wallMs = 0;
  const prev = new Map<string, { dev: number; idle: number }>();
  for (const e of events) {
    if (e.t < from || e.t > to || e.src !== "device") continue;
    const device = String(e.device);
    if (e.kind === "exit" || e.kind === "hello") {
      prev.delete(device);
      continue;
    }
    if (e.kind !== "hb" || typeof e.idleMs !== "number" || typeof e.dt_dev !== "number") continue;
    const p = prev.get(device);
    const now = { dev: e.dt_dev, idle: e.idleMs };
    prev.set(device, now);
    if (!p || now.dev <= p.dev || now.idle < p.idle) continue;
    const wall = now.dev - p.dev;
    wallMs += wall;
    cpuMs += Math.max(0, wall - (now.idle - p.idle));
  }
  return wallMs > 0 ? figure(cpuMs, wallMs) : undefined;
}

/**
 * The run's phases — the scenario's own (`lab activity`), else: "connecting" until the client's
 * first up, then "connected" — and the CPU the device used in each, by the process's accounting
 * and by the agent's idle counter, whichever the device gives.
 */
export function phaseCpu(events: readonly TimelineEvent[]): PhaseCpu[] {
  const endAt = events.find((e) => isLab(e, "device.stopping"))?.t ?? events.at(-1)?.t ?? 0;
  const marks = events.filter((e) => isLab(e, "activity")).map((e) => ({ t: e.t, name: String(e.name) }));
  if (marks.length === 0) {
    const up = events.find((e) => isDevice(e, "up"))?.t;
    marks.push({ t: 0, name: "connecting" });
    if (up !== undefined) marks.push({ t: up, name: "connected" });
  }
  return marks.map((m, i) => {
    const to = Math.min(marks[i + 1]?.t ?? endAt, endAt);
    const process = processCpu(events, m.t, to);
    const agent = agentCpu(events, m.t, to);
    const used = process ?? agent ?? figure(0, 0);
    return { name: m.name, from: m.t, to, ...used, source: process ? "process" : agent ? "agent" : "none", ...(process ? { process } : {}), ...(agent ? { agent } : {}) };
  });
}

const pct = (p: number) => `${p.toFixed(1)} %`;

const SOURCE: Record<PhaseCpu["source"], string> = { process: "the process's CPU accounting", agent: "the agent's idle counter", none: "no readings" };

/** One phase's figures, each measure the device gave: the judged one first. */
function phaseText(p: PhaseCpu): string {
  const head = `${p.name} ${at(p.from)}–${at(p.to)}: `;
  if (p.source === "none") return `${head}no CPU readings`;
  const f = (c: CpuFigure, what: string) => `${Math.round(c.cpuMs)} ms of CPU in ${Math.round(c.wallMs)} ms = ${pct(c.percent)} of one core (${what})`;
  const judged = f(p, SOURCE[p.source]);
  // The unix device gives both: the agent's counter beside the kernel's is the check that the counter a board relies on measures right.
  return p.source === "process" && p.agent ? `${head}${judged}; the agent's idle counter: ${pct(p.agent.percent)}` : head + judged;
}

/**
 * Client promise: while connected and idle — subscribed, nothing to send, nothing coming, only
 * keepalive pings — the client sleeps. Judged on the scenario's `idle` phase: the device
 * process's CPU time over it (the unix device samples /proc/<pid>/stat each second; a process
 * the host starves is charged less, never more), or on a board, which has no process to read,
 * the agent's idle counter (the time its event loop did not wait), at most `maxPercent` of one
 * core. Every phase's figures, and the lowest free heap the agent saw, go in the evidence.
 */
export function idleCpu(maxPercent = 5): Check {
  return {
    name: idleCpuChecker.name,
    guarantee: `a connected, idle client uses ≤ ${maxPercent} % of one core`,
    judge(events) {
      const phases = phaseCpu(events);
      const idle = phases.find((p) => p.name === "idle");
      const figures: Evidence[] = phases.map((p) => ({ t: p.from, text: phaseText(p) }));
      const low = events.filter((e) => isDevice(e, "mem") && typeof e.low === "number").at(-1);
      if (low) figures.push({ t: low.t, text: `free heap at its low point: ${String(low.low)} bytes (after collection at ${at(low.t)}: ${String(low.free)})` });
      if (!idle) return { verdict: "unknown", summary: "no idle phase in this run", evidence: figures };
      if (idle.wallMs < 2000)
        return {
          verdict: "unknown",
          summary: `the idle phase has ${Math.round(idle.wallMs)} ms of CPU readings: too few to judge (the unix device samples its process's CPU; on a board the agent's heartbeats carry its idle counter — an asyncio without IOQueue has none)`,
          evidence: figures,
        };
      const downs = events.filter((e) => isDevice(e, "down") && e.t > idle.from && e.t < idle.to);
      if (downs.length) return { verdict: "unknown", summary: `the client went down during the idle phase (${at(downs[0]!.t)}): it was not idle`, evidence: figures };
      if (idle.percent > maxPercent) {
        return {
          verdict: "fail",
          summary: `the idle client used ${pct(idle.percent)} of one core (> ${maxPercent} %, ${SOURCE[idle.source]}) while connected with nothing to do`,
          evidence: [{ t: idle.from, charged: "client", text: `idle ${at(idle.from)}–${at(idle.to)}: ${Math.round(idle.cpuMs)} ms of CPU in ${Math.round(idle.wallMs)} ms = ${pct(idle.percent)} > ${maxPercent} % (${SOURCE[idle.source]}): it spins instead of sleeping` }, ...figures],
        };
      }
      return { verdict: "pass", summary: `the idle client used ${pct(idle.percent)} of one core (≤ ${maxPercent} %, ${SOURCE[idle.source]})`, evidence: figures };
    },
  };
}
