import type { TimelineEvent } from "../timeline/event.ts";
import type { WirePacket } from "../timeline/events.ts";
import { at } from "../timeline/event.ts";
import { isDevice, isDeviceOp, isFault, isLab, isWire, isWirePacket } from "../timeline/is.ts";
import type { ClientConfig, ClientManifest } from "../mqtt/client.ts";
import type { CheckContext } from "./context.ts";
import { faultSpans } from "./history.ts";

/**
 * Shared by the checkers that hold the device's wire to the client's promises (its manifest's
 * `promises`) in every tapped run: connectAsConfigured, pingsAsPromised, resendsAsPromised,
 * dupOnlyOnResend, packetIdsFree. What a connection is on the wire, what the application had
 * configured when a CONNECT went out, and which stretches of a run no promise can be held to.
 */

/** Seconds of slack for process scheduling on a loaded 2-core machine (as bounds.ts). */
export const SLACK_S = 2;

/** A "pass" that judged nothing says so first: these runs are the most, and a vacuous pass must look like one. */
export const NOT_EXERCISED = "not exercised: ";
/** A promise the manifest does not make: nothing to hold the client to, said as such. */
export const NOT_PROMISED = "not promised: ";

/** One TCP connection through the tap: its packets in order, and when and by whom it closed. */
export interface WireConnection {
  conn: number;
  packets: WirePacket[];
  /** The CONNECT the device sent on it, if any. */
  connect?: WirePacket;
  /** When the CONNACK reached the device, if one did. */
  connackAt?: number;
  closedAt?: number;
  closedBy?: string;
  /** When the tap could no longer parse what the device sent: nothing after it is seen. */
  unparsableAt?: number;
}

/** Until when the tap saw what the device sent on `c`: its close, the tap losing the thread, or the timeline's end. */
export function watchedUntil(c: WireConnection, events: readonly TimelineEvent[]): number {
  return Math.min(c.closedAt ?? Infinity, c.unparsableAt ?? Infinity, events.at(-1)?.t ?? 0);
}

/** The device's connections as the tap saw them, by number. */
export function wireConnections(events: readonly TimelineEvent[]): WireConnection[] {
  const by = new Map<number, WireConnection>();
  const get = (conn: number): WireConnection => {
    let c = by.get(conn);
    if (!c) by.set(conn, (c = { conn, packets: [] }));
    return c;
  };
  for (const e of events) {
    if (isWirePacket(e)) {
      const c = get(e.conn);
      c.packets.push(e);
      if (e.dir === "up" && e.cmd === "connect" && !c.connect) c.connect = e;
      if (e.dir === "down" && e.cmd === "connack" && c.connackAt === undefined) c.connackAt = e.t;
    } else if (isWire(e, "unparsable") && e.dir === "up" && typeof e.conn === "number") {
      const c = get(e.conn);
      c.unparsableAt ??= e.t;
    } else if (isWire(e, "close") && typeof e.conn === "number") {
      const c = get(e.conn);
      if (c.closedAt === undefined) {
        c.closedAt = e.t;
        c.closedBy = String(e.by);
      }
    }
  }
  return [...by.values()].sort((a, b) => a.conn - b.conn);
}

/**
 * The configuration in force at `t`: the last `start` the host sent the device before it (a
 * power cycle or a restart starts it again, with overrides), else the run's own.
 */
export function configAt(events: readonly TimelineEvent[], t: number, ctx: CheckContext): { cfg: ClientConfig; since: number } {
  let found: { cfg: ClientConfig; since: number } | undefined;
  // The wire tap is on the run's own device, the first one started: in a fleet run the other
  // devices' starts (their own client ids) are on the timeline too and are not its configuration.
  let own: unknown;
  for (const e of events) {
    if (e.t > t) break;
    if (!isDeviceOp(e, "start") || !e.cfg || typeof e.cfg !== "object") continue;
    if (own === undefined) own = e.device;
    if (e.device === own) found = { cfg: { ...ctx.client, ...(e.cfg as Partial<ClientConfig>) }, since: e.t };
  }
  return found ?? { cfg: ctx.client, since: 0 };
}

/** The client's response time in seconds as its manifest promises it, with the words that say where it comes from. */
export function responseTimeS(m: ClientManifest, cfg: ClientConfig): { s: number; from: string } | undefined {
  const r = m.promises?.responseTime;
  if (!r) return undefined;
  if (r.configKey) return { s: cfg[r.configKey], from: `${r.configKey} ${cfg[r.configKey]} s` };
  if (r.seconds !== undefined) return { s: r.seconds, from: `its fixed ${r.seconds} s` };
  return undefined;
}

/** A stretch of the run no wire promise can be held to, and why. */
export interface Disturbance {
  from: number;
  to: number;
  why: string;
}

/**
 * Where the wire says nothing about the client's promises: a fault and the `settleMs` after
 * it heals (a fault may hold bytes that arrive late, or leave the connection dying), the
 * device switched off (until it is started again), and everything from the lab's stopping
 * of the device on.
 */
export function disturbances(events: readonly TimelineEvent[], settleMs: number): Disturbance[] {
  const out: Disturbance[] = faultSpans(events).map((f) => ({ from: f.from, to: f.to + settleMs, why: `fault ${f.fault} ${at(f.from)}–${Number.isFinite(f.to) ? at(f.to) : "end"}` }));
  let off: number | undefined;
  for (const e of events) {
    if (isLab(e, "device.power") && e.on === false) off = e.t;
    if (isDeviceOp(e, "start") && off !== undefined) {
      out.push({ from: off, to: e.t + settleMs, why: `device switched off at ${at(off)}` });
      off = undefined;
    }
    if (isLab(e, "device.stopping")) {
      out.push({ from: e.t, to: Infinity, why: `the lab stopped the device at ${at(e.t)}` });
      break;
    }
  }
  if (off !== undefined) out.push({ from: off, to: Infinity, why: `device switched off at ${at(off)}` });
  out.push(...hostStalls(events));
  // A fault still open at the end of the timeline has no end event: faultSpans leaves it Infinity.
  return out;
}

/** How late (ms) the host may read the device's heartbeat before the lab counts itself stalled. */
const STALL_MS = 1000;

/**
 * Where the lab's host, not the client, was late: the agent's 500 ms heartbeats carry the
 * device's own clock (`dt_dev`); a heartbeat the host read more than a second later than its
 * steady lag says the host (which also runs the wire tap) was not reading — the device's
 * packets then reach the tap late, or in a burst. Measured: a 5.3 s host stall on a loaded
 * machine delivered four of mqtt_as's PINGREQs, sent 1.5 s apart by its clock, at one instant.
 */
export function hostStalls(events: readonly TimelineEvent[]): Disturbance[] {
  const out: Disturbance[] = [];
  let base: number | undefined;
  for (const e of events) {
    if (isDevice(e, "hello")) base = undefined; // a new device process: a new clock
    if (!isDevice(e, "hb") || typeof e.dt_dev !== "number") continue;
    const offset = e.t - e.dt_dev;
    if (base === undefined || offset < base) base = offset;
    const lag = offset - base;
    if (lag > STALL_MS) {
      const from = e.t - lag;
      const last = out.at(-1);
      if (last && last.to >= from) last.to = Math.max(last.to, e.t);
      else out.push({ from, to: e.t, why: `the lab's host read the device late (${Math.round(lag)} ms behind its clock) until ${at(e.t)}` });
    }
  }
  return out;
}

/** The first disturbance overlapping [from, to], if any. */
export function disturbed(ds: readonly Disturbance[], from: number, to: number): Disturbance | undefined {
  return ds.find((d) => d.from <= to && d.to >= from);
}

/** The client's own `down` signal in (from, to], if it gave one: it called the connection dead itself. */
export function clientDownIn(events: readonly TimelineEvent[], from: number, to: number): TimelineEvent | undefined {
  return events.find((e) => e.t > from && e.t <= to && isDevice(e, "down", "exit"));
}

/** Whether any fault or broker event is on the timeline (for "not exercised" summaries). */
export function faulted(events: readonly TimelineEvent[]): boolean {
  return events.some((e) => isFault(e, "start"));
}

/** A PUBLISH's identity for matching a resend with its first send: topic and payload. */
export function messageKey(p: WirePacket): string {
  return JSON.stringify([p.topic ?? "", p.payload ?? null, p.payloadBytes ?? 0]);
}

/** "PUBLISH id 7 (faraday/x/up seq=3)" for evidence. */
export function describePublish(p: WirePacket): string {
  const payload = typeof p.payload === "string" ? ` ${p.payload.slice(0, 40)}` : p.payloadBytes !== undefined ? ` ${p.payloadBytes} B` : "";
  return `PUBLISH id ${p.messageId ?? "-"} (${p.topic ?? "?"}${payload}, qos ${p.qos ?? 0}, dup ${p.dup ? 1 : 0})`;
}
