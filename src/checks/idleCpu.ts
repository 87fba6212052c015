import { at, type TimelineEvent } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker } from "./check.ts";
import { isDevice, isLab } from "../timeline/is.ts";

export const idleCpuChecker = defineChecker({
  name: "idleCpu",
  group: "resilience",
  guarantee: "a connected, idle client leaves the CPU idle: a battery-powered board that spins while idle is a bug even when every message arrives (noBusyLoop's heartbeats cannot see a spin that yields)",
  bound: "≤ 5 % of one core over the idle phase, from the device process's own CPU accounting",
  factory: idleCpu,
});

/** One phase's CPU use, from the device's `cpu` samples within it (one device process). */
export interface PhaseCpu {
  name: string;
  from: number;
  to: number;
  /** CPU ms between the first and last sample in the phase, and the wall ms between them. */
  cpuMs: number;
  wallMs: number;
  percent: number;
}

/**
 * The run's phases — the scenario's own (`lab phase`), else: "connecting" until the client's
 * first up, then "connected" — and the CPU the device used in each, from its `cpu` samples (a
 * device process that restarts inside a phase counts from its new samples).
 */
export function phaseCpu(events: readonly TimelineEvent[]): PhaseCpu[] {
  const endAt = events.find((e) => isLab(e, "device.stopping"))?.t ?? events.at(-1)?.t ?? 0;
  const marks = events.filter((e) => isLab(e, "phase")).map((e) => ({ t: e.t, name: String(e.name) }));
  if (marks.length === 0) {
    const up = events.find((e) => isDevice(e, "up"))?.t;
    marks.push({ t: 0, name: "connecting" });
    if (up !== undefined) marks.push({ t: up, name: "connected" });
  }
  const cpu = events.filter((e) => isDevice(e, "cpu") || isDevice(e, "exit"));
  return marks.map((m, i) => {
    const to = Math.min(marks[i + 1]?.t ?? endAt, endAt);
    let cpuMs = 0;
    let wallMs = 0;
    let prev: TimelineEvent | undefined;
    for (const e of cpu) {
      if (e.t < m.t || e.t > to) continue;
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
    return { name: m.name, from: m.t, to, cpuMs, wallMs, percent: wallMs > 0 ? (100 * cpuMs) / wallMs : 0 };
  });
}

const pct = (p: number) => `${p.toFixed(1)} %`;

/**
 * Client promise: while connected and idle — subscribed, nothing to send, nothing coming, only
 * keepalive pings — the client sleeps. Judged on the scenario's `idle` phase: the device
 * process's CPU time over it (the unix device samples /proc/<pid>/stat each second; a process
 * the host starves is charged less, never more) at most `maxPercent` of one core. Every phase's
 * figure, and the lowest free heap the agent saw, go in the evidence.
 */
export function idleCpu(maxPercent = 5): Check {
  return {
    name: idleCpuChecker.name,
    guarantee: `a connected, idle client uses ≤ ${maxPercent} % of one core`,
    judge(events) {
      const phases = phaseCpu(events);
      const idle = phases.find((p) => p.name === "idle");
      const figures: Evidence[] = phases.map((p) => ({ t: p.from, text: `${p.name} ${at(p.from)}–${at(p.to)}: ${Math.round(p.cpuMs)} ms of CPU in ${Math.round(p.wallMs)} ms = ${pct(p.percent)} of one core` }));
      const low = events.filter((e) => isDevice(e, "mem") && typeof e.low === "number").at(-1);
      if (low) figures.push({ t: low.t, text: `free heap at its low point: ${String(low.low)} bytes (after collection at ${at(low.t)}: ${String(low.free)})` });
      if (!idle) return { verdict: "unknown", summary: "no idle phase in this run", evidence: figures };
      if (idle.wallMs < 2000) return { verdict: "unknown", summary: `the idle phase has ${Math.round(idle.wallMs)} ms of CPU samples: too few to judge (the unix device samples its CPU)`, evidence: figures };
      const downs = events.filter((e) => isDevice(e, "down") && e.t > idle.from && e.t < idle.to);
      if (downs.length) return { verdict: "unknown", summary: `the client went down during the idle phase (${at(downs[0]!.t)}): it was not idle`, evidence: figures };
      if (idle.percent > maxPercent) {
        return {
          verdict: "fail",
          summary: `the idle client used ${pct(idle.percent)} of one core (> ${maxPercent} %) while connected with nothing to do`,
          evidence: [{ t: idle.from, charged: "client", text: `idle ${at(idle.from)}–${at(idle.to)}: ${Math.round(idle.cpuMs)} ms of CPU in ${Math.round(idle.wallMs)} ms = ${pct(idle.percent)} > ${maxPercent} %: it spins instead of sleeping` }, ...figures],
        };
      }
      return { verdict: "pass", summary: `the idle client used ${pct(idle.percent)} of one core (≤ ${maxPercent} %)`, evidence: figures };
    },
  };
}
