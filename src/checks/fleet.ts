// The arithmetic of a fleet run, shared by the fleet checks and the report: who the devices
// are, how long each took to come back after a fault, the distribution of those times, how
// many came back in the same instant, the broker's busiest second, memory and CPU per device.
// Pure functions of a finished timeline.
import type { TimelineEvent } from "../timeline/event.ts";
import { faultSpans } from "./history.ts";
import { isBroker, isDevice, isLab } from "../timeline/is.ts";

/** The synchronisation window: devices back within the same 100 ms came back together. */
export const SYNC_WINDOW_MS = 100;

/** The devices of a fleet run, in order (device 0 first), or undefined when the run had no fleet. */
export function fleetNames(events: readonly TimelineEvent[]): string[] | undefined {
  const e = events.find((x) => isLab(x, "fleet.start"));
  return Array.isArray(e?.names) ? e.names.map(String) : undefined;
}

/** One device's way back from one fault. */
export interface FleetReconnect {
  device: string;
  fault: string;
  /** When the fault was healed (its `end`). */
  healedAt: number;
  /** The device's own `down` (or its exit) that the fault caused. */
  downAt: number;
  /** Its first `up` after that, if any. */
  upAt?: number;
  /** upAt − healedAt, never below 0 (a device may be back before the lab records the heal). */
  ms?: number;
  /** The next fault began before the device was back: this reconnect cannot be timed. */
  interrupted?: true;
}

/**
 * When a device really wrote each of its events, on the host's clock. The host stamps a line
 * when it reads it, and a host busy with a hundred devices reads late (measured: 1.6 s late
 * under load, for lines the device wrote 30 ms apart). Each agent event also carries the
 * device's own ticks_ms() (`dt_dev`): the offset between the clocks is the smallest
 * host-minus-device difference seen (the line read the soonest), and dt_dev + offset is the
 * moment of writing. Events without dt_dev (an exit, made by the host) keep the host's time.
 */
export function deviceClock(events: readonly TimelineEvent[]): (e: TimelineEvent) => number {
  // A device powered on again is a new process with a new clock: one offset per agent's life (from its hello).
  const life = new Map<TimelineEvent, string>();
  const lives = new Map<string, number>();
  const offset = new Map<string, number>();
  for (const e of events) {
    if (!isDevice(e)) continue;
    const d = String(e.device);
    if (e.kind === "hello") lives.set(d, (lives.get(d) ?? 0) + 1);
    if (typeof e.dt_dev !== "number") continue;
    const key = `${d}\u0000${lives.get(d) ?? 0}`;
    life.set(e, key);
    const o = e.t - e.dt_dev;
    if (!(o >= (offset.get(key) ?? Infinity))) offset.set(key, o);
  }
  return (e) => {
    const key = life.get(e);
    const o = key === undefined ? undefined : offset.get(key);
    return o !== undefined && typeof e.dt_dev === "number" ? Math.min(e.t, Math.round((e.dt_dev + o) * 10) / 10) : e.t;
  };
}

/**
 * Every device's reconnect after every healed fault that cost it its connection: its first
 * own `down` (or exit) from the fault's start to `graceMs` after the heal (or the one it was
 * still down from when the fault began), then its first `up` before the next fault began,
 * each at the moment the device wrote it (deviceClock). Events after the lab began stopping
 * the devices do not count.
 */
export function fleetReconnects(events: readonly TimelineEvent[], graceMs: number): FleetReconnect[] {
  const stop = events.find((e) => isLab(e, "device.stopping"))?.t ?? Infinity;
  const names = fleetNames(events) ?? [...new Set(events.filter((e) => isDevice(e, "up")).map((e) => String(e.device)))];
  const when = deviceClock(events);
  const byDevice = new Map<string, TimelineEvent[]>(names.map((n) => [n, []]));
  for (const e of events) if (e.t < stop && isDevice(e, "up", "down", "exit")) byDevice.get(String(e.device))?.push({ ...e, t: when(e) });
  const out: FleetReconnect[] = [];
  const spans = faultSpans(events);
  for (const [k, f] of spans.entries()) {
    if (f.to === Infinity) continue;
    const next = spans.slice(k + 1).find((x) => x.from > f.from)?.from ?? Infinity;
    for (const [device, sig] of byDevice) {
      // Lost to this fault, or still on its way back from the one before (a flapping AP).
      const before = sig.findLast((e) => e.t < f.from);
      const down = before && before.kind !== "up" ? before : sig.find((e) => e.kind !== "up" && e.t >= f.from && e.t <= f.to + graceMs && e.t < next);
      if (!down) continue;
      const up = sig.find((e) => e.kind === "up" && e.t > down.t);
      const r: FleetReconnect = { device, fault: f.fault, healedAt: f.to, downAt: down.t };
      if (up && up.t < next) Object.assign(r, { upAt: up.t, ms: Math.max(0, Math.round(up.t - f.to)) });
      else if (next !== Infinity) r.interrupted = true;
      out.push(r);
    }
  }
  return out;
}

/** Nearest-rank percentile (q in 0..1) of numbers; undefined for none. */
export function percentile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

/** Counts per bin of `binMs` from 0; the bin width is the smallest round one that needs at most `maxBins`. */
export function histogram(values: readonly number[], maxBins = 20): { binMs: number; counts: number[] } {
  const max = Math.max(0, ...values);
  const binMs = [10, 20, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 20_000, 60_000].find((w) => Math.floor(max / w) + 1 <= maxBins) ?? Math.ceil((max + 1) / maxBins);
  const counts = Array.from({ length: Math.floor(max / binMs) + 1 }, () => 0);
  for (const v of values) counts[Math.floor(v / binMs)]!++;
  return { binMs, counts };
}

/** The most times that fall within one window of `windowMs` (inclusive), and where that window starts. */
export function mostWithin(times: readonly number[], windowMs: number): { count: number; from: number } {
  const s = [...times].sort((a, b) => a - b);
  let best = { count: 0, from: s[0] ?? 0 };
  for (let i = 0, j = 0; j < s.length; j++) {
    while (s[j]! - s[i]! > windowMs) i++;
    if (j - i + 1 > best.count) best = { count: j - i + 1, from: s[i]! };
  }
  return best;
}

/** The broker's busiest second: CONNACKs it logged (or, without a broker log, the clients' ups) in one 1000 ms window. */
export function peakConnectRate(events: readonly TimelineEvent[], from = -Infinity): { perSecond: number; at: number; source: "broker" | "clients" } | undefined {
  events = events.filter((e) => e.t >= from);
  const connacks = events.filter((e) => isBroker(e, "connack")).map((e) => e.t);
  const source = connacks.length ? "broker" : "clients";
  const times = connacks.length ? connacks : events.filter((e) => isDevice(e, "up")).map((e) => e.t);
  if (times.length === 0) return undefined;
  const m = mostWithin(times, 1000);
  return { perSecond: m.count, at: m.from, source };
}

/** What the lab measured of the device processes at one moment (ScenarioContext fleet.sample). */
export interface FleetSample {
  label: string;
  t: number;
  rssKb: (number | null)[];
  cpuMs: (number | null)[];
}

export function fleetSamples(events: readonly TimelineEvent[]): FleetSample[] {
  return events
    .filter((e) => isLab(e, "fleet.sample"))
    .map((e) => ({ label: String(e.label), t: e.t, rssKb: (e.rssKb as (number | null)[]) ?? [], cpuMs: (e.cpuMs as (number | null)[]) ?? [] }));
}

/** A fleet run in figures, for results.json and report.html. */
export interface FleetStats {
  size: number;
  /** ms from powering on to every agent's hello. */
  helloMs?: number;
  reconnect: {
    /** Reconnects judged (device × fault that cost it its connection) and how many came back. */
    lost: number;
    back: number;
    p50Ms?: number;
    p90Ms?: number;
    maxMs?: number;
    histogram: { binMs: number; counts: number[] };
    /** The most devices back within SYNC_WINDOW_MS of each other after one fault. */
    sync: { windowMs: number; most: number; at?: number };
  };
  peakConnectRate?: { perSecond: number; at: number; source: "broker" | "clients" };
  /** The same from the first fault on: the reconnect storm's busiest second, not the power-on's. */
  peakReconnectRate?: { perSecond: number; at: number; source: "broker" | "clients" };
  /** Per sample: median and largest RSS of one device process, and all of them together. */
  memory: { label: string; t: number; medianKb: number; maxKb: number; totalKb: number }[];
  /** CPU time per device (median, ms) at the first sample (the boot), and between the first and last (idle and faults). */
  cpu?: { bootMedianMs: number; laterMedianMs?: number; laterSpanMs?: number };
  /**
   * How late the host read the devices' lines (host time − deviceClock time, over every device
   * event that carries dt_dev): a loaded host reads late, and its own parts (proxy, broker) are
   * starved too. Large values say the lab, not the client, set the pace of that run.
   */
  hostLag?: { p50Ms: number; p99Ms: number; maxMs: number };
}

/** hostLag of FleetStats: how late the host read what the devices wrote. */
export function hostLag(events: readonly TimelineEvent[]): FleetStats["hostLag"] {
  const when = deviceClock(events);
  const lags = events.filter((e) => isDevice(e) && typeof e.dt_dev === "number").map((e) => Math.round(e.t - when(e)));
  if (lags.length === 0) return undefined;
  return { p50Ms: percentile(lags, 0.5)!, p99Ms: percentile(lags, 0.99)!, maxMs: Math.max(...lags) };
}

/** The figures of a fleet run, or undefined when the run had no fleet. */
export function fleetStats(events: readonly TimelineEvent[], graceMs: number): FleetStats | undefined {
  const names = fleetNames(events);
  if (!names) return undefined;
  const rs = fleetReconnects(events, graceMs);
  const ms = rs.flatMap((r) => (r.ms !== undefined ? [r.ms] : []));
  let sync: FleetStats["reconnect"]["sync"] = { windowMs: SYNC_WINDOW_MS, most: 0 };
  for (const healedAt of new Set(rs.map((r) => r.healedAt))) {
    const m = mostWithin(rs.filter((r) => r.healedAt === healedAt && r.upAt !== undefined).map((r) => r.upAt!), SYNC_WINDOW_MS);
    if (m.count > sync.most) sync = { windowMs: SYNC_WINDOW_MS, most: m.count, at: m.from };
  }
  const nums = (xs: (number | null)[]) => xs.filter((x): x is number => typeof x === "number");
  const samples = fleetSamples(events);
  const memory = samples.map((s) => {
    const r = nums(s.rssKb);
    return { label: s.label, t: s.t, medianKb: percentile(r, 0.5) ?? 0, maxKb: Math.max(0, ...r), totalKb: r.reduce((a, b) => a + b, 0) };
  });
  const first = samples[0];
  const last = samples.at(-1);
  const cpu = first
    ? {
        bootMedianMs: percentile(nums(first.cpuMs), 0.5) ?? 0,
        ...(last && last !== first
          ? { laterMedianMs: percentile(nums(last.cpuMs.map((c, i) => (c === null || first.cpuMs[i] == null ? null : c - first.cpuMs[i]!))), 0.5) ?? 0, laterSpanMs: Math.round(last.t - first.t) }
          : {}),
      }
    : undefined;
  const launched = events.find((e) => isLab(e, "fleet.launched"));
  const peak = peakConnectRate(events);
  const firstFault = faultSpans(events)[0]?.from;
  const repeak = firstFault === undefined ? undefined : peakConnectRate(events, firstFault);
  const lag = hostLag(events);
  const p = (q: number) => percentile(ms, q);
  return {
    size: names.length,
    ...(typeof launched?.helloMs === "number" ? { helloMs: launched.helloMs } : {}),
    reconnect: {
      lost: rs.length,
      back: ms.length,
      ...(ms.length ? { p50Ms: p(0.5)!, p90Ms: p(0.9)!, maxMs: Math.max(...ms) } : {}),
      histogram: histogram(ms),
      sync,
    },
    ...(peak ? { peakConnectRate: peak } : {}),
    ...(repeak ? { peakReconnectRate: repeak } : {}),
    memory,
    ...(cpu ? { cpu } : {}),
    ...(lag ? { hostLag: lag } : {}),
  };
}
