import type { TimelineEvent } from "../timeline/event.ts";
import { isBroker, isDevice, isDeviceOp, isDeviceUp, isFault, isObserver, isPeer } from "../timeline/is.ts";

/**
 * Views of a timeline that several checkers share: when the broker was down, when faults
 * started and ended, when the client said up or down. Pure functions over events.
 */

export interface Interval {
  from: number;
  /** Infinity while still open at the end of the run. */
  to: number;
}

/** Periods during which the broker process was not running (exit … ready). */
export function brokerDownIntervals(events: readonly TimelineEvent[]): Interval[] {
  const out: Interval[] = [];
  let open: number | undefined;
  for (const e of events) {
    // The broker is back at the first proof that it answers: its own `ready` (the lab's probe
    // got a CONNACK), or any client's CONNACK after the exit — a client retrying every second
    // can beat the lab's probe, and the broker it reached can only be the new process.
    const answered = e.kind === "ready" || e.kind === "connack" || isDeviceUp(e) || isObserver(e, "up") || isPeer(e, "up");
    if (isBroker(e, "exit") && open === undefined) open = e.t;
    else if (answered && open !== undefined && (isBroker(e) || e.kind === "up")) {
      out.push({ from: open, to: e.t });
      open = undefined;
    }
  }
  if (open !== undefined) out.push({ from: open, to: Infinity });
  return out;
}

/**
 * When the device wrote a line, on the host's clock: the timeline stamps a device event when the
 * host reads it, and a starved host reads late; the device's own clock says by how much
 * (`readLateMs`, AgentChannel). A client is timed from what it said, not from when it was read.
 */
export function saidAt(e: TimelineEvent): number {
  return e.t - (typeof e.readLateMs === "number" ? e.readLateMs : 0);
}

/** The evidence's note for an event read late ("" when it was read at once). */
export function readLateNote(e: TimelineEvent | undefined): string {
  return e && typeof e.readLateMs === "number" ? ` (written ${e.readLateMs} ms before the host read it, by the device's clock)` : "";
}

export interface FaultSpan {
  fault: string;
  from: number;
  to: number;
  params: Record<string, unknown>;
}

/** Fault spans from `fault` start/end events, matched by their `fault` id. */
export function faultSpans(events: readonly TimelineEvent[]): FaultSpan[] {
  const open = new Map<string, FaultSpan>();
  const out: FaultSpan[] = [];
  for (const e of events) {
    if (!isFault(e)) continue;
    const id = String(e.id ?? e.fault);
    if (e.kind === "start") {
      const span = { fault: String(e.fault), from: e.t, to: Infinity, params: (e.params as Record<string, unknown>) ?? {} };
      open.set(id, span);
      out.push(span);
    } else if (e.kind === "end") {
      const span = open.get(id);
      if (span) {
        span.to = e.t;
        open.delete(id);
      }
    }
  }
  return out;
}

export function inside(t: number, iv: Interval): boolean {
  return t >= iv.from && t <= iv.to;
}

/** The `seq=N` number of a payload, or undefined. */
export function seqOf(payload: unknown): number | undefined {
  if (typeof payload !== "string") return undefined;
  const m = /^seq=(\d+)/.exec(payload);
  return m ? Number(m[1]) : undefined;
}

/**
 * When each party connected again after its first connection (device/observer `up`, broker
 * `ready`): the only moments an MQTT session can redeliver what it already sent (§4.4).
 */
export interface Reconnects {
  device: number[];
  observer: number[];
  broker: number[];
  /**
   * When the device's connection ended (its own `down`, or its process gone). A copy that
   * arrives after that came on a later connection, even when the device's report of that
   * connection (`up`) reaches the host a moment after the copy does: a client resends its
   * unacknowledged publishes as soon as the CONNACK arrives, before it tells the application.
   */
  deviceEnds?: number[];
}

export function reconnects(events: readonly TimelineEvent[]): Reconnects {
  const after = (src: string, kind: string) =>
    events
      .filter((e) => e.src === src && e.kind === kind)
      .slice(1)
      .map((e) => e.t);
  return {
    device: after("device", "up"),
    observer: after("observer", "up"),
    broker: after("broker", "ready"),
    deviceEnds: events.filter((e) => isDevice(e, "down", "exit")).map((e) => e.t),
  };
}

/** Periods between the client's own `down` and its next `up` (Infinity while still down). */
export function deviceDownIntervals(events: readonly TimelineEvent[]): Interval[] {
  const out: Interval[] = [];
  let open: number | undefined;
  for (const e of events) {
    if (!isDevice(e)) continue;
    if (e.kind === "down" && open === undefined) open = e.t;
    if (e.kind === "up" && open !== undefined) {
      out.push({ from: open, to: e.t });
      open = undefined;
    }
  }
  if (open !== undefined) out.push({ from: open, to: Infinity });
  return out;
}

/** Whether the client's latest own signal before `t` was `up` (a device that exited is not). */
export function deviceUpAt(events: readonly TimelineEvent[], t: number): boolean {
  let up = false;
  for (const e of events) {
    if (e.t >= t) break;
    if (isDevice(e, "up", "down", "exit")) up = e.kind === "up";
  }
  return up;
}

/**
 * Whether `e` starts a new client instance: the `start` operation (the first of the run, or
 * the one after a power cycle). Its first connection follows clean_init, not clean.
 */
export function isClientStart(e: TimelineEvent): boolean {
  return isDeviceOp(e, "start");
}

/** Whether `e` ends or begins a device process (a power cycle kills it and starts a new one). */
export function isDeviceBoundary(e: TimelineEvent): boolean {
  return isDevice(e, "exit", "hello");
}

/**
 * The client's own last complaint in a window (a debug line mentioning an error), so a
 * failing verdict can quote the client's words next to the lab's: `Error in reconnect. …`.
 */
export function clientComplaint(events: readonly TimelineEvent[], from: number, to: number): TimelineEvent | undefined {
  let found: TimelineEvent | undefined;
  for (const e of events) {
    if (e.t < from || e.t > to || !isDevice(e)) continue;
    if ((e.kind === "log" && typeof e.line === "string" && /error|fail|refused|reset|exception|timed? ?out/i.test(e.line)) || e.kind === "error") found = e;
  }
  return found;
}

export function quoteComplaint(e: TimelineEvent | undefined): string {
  if (!e) return "";
  const words = e.kind === "error" ? String(e.msg) : String(e.line);
  return `; the client's last complaint, at ${(e.t / 1000).toFixed(3)} s: "${words.slice(0, 160)}"`;
}
