import type { TimelineEvent } from "../timeline/event.ts";
import { at } from "../timeline/event.ts";
import { seqOf, type Reconnects } from "./history.ts";
import { isDevice, isDeviceMsg, isDeviceOp, isObserver, isObserverRecv } from "../timeline/is.ts";

/**
 * Every application message of a run, from both ends: who sent it, when the sender was told
 * it was acknowledged, and every delivery at the receiver.
 * `up` = device → observer (through the broker); `down` = observer → device.
 */
export interface LedgerEntry {
  dir: "up" | "down";
  topic: string;
  payload: string;
  seq: number | undefined;
  qos: number;
  /** When the sender issued it. */
  sentAt: number;
  /** When the sender learned it was acknowledged (device ack ok / observer PUBACK). */
  ackedAt: number | undefined;
  /** The sender was told it failed. */
  failedAt: number | undefined;
  failure: string | undefined;
  /** Receiver-side arrival times. */
  deliveries: number[];
  /** The device that sent it (`up`): which one, in a fleet run. */
  device?: string;
}

const key = (topic: string, payload: string) => `${topic}\u0000${payload}`;

/**
 * A payload as the ledger holds it: text as it is; bytes that are not UTF-8, {"hex": …} on the
 * timeline, by their JSON (so the device's and the observer's copies of one message match).
 */
const textOf = (payload: unknown): string => (typeof payload === "object" && payload !== null ? JSON.stringify(payload) : String(payload));

export function buildLedger(events: readonly TimelineEvent[]): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  // An operation's id is the device's own count: in a fleet every device has an op 1.
  const byDeviceOp = new Map<string, LedgerEntry>();
  const opKey = (e: TimelineEvent) => `${String(e.device)}\u0000${Number(e.id)}`;
  const byObserverId = new Map<number, LedgerEntry>();
  // Deliveries are matched to the earliest entry with the same topic+payload.
  const byKey = { up: new Map<string, LedgerEntry>(), down: new Map<string, LedgerEntry>() };
  const copies = new Map<string, LedgerEntry[]>();

  const add = (e: LedgerEntry) => {
    entries.push(e);
    const k = key(e.topic, e.payload);
    if (!byKey[e.dir].has(k)) byKey[e.dir].set(k, e);
    const same = copies.get(`${e.dir}\u0000${k}`);
    if (same) same.push(e);
    else copies.set(`${e.dir}\u0000${k}`, [e]);
  };

  for (const e of events) {
    if (isDeviceOp(e, "publish")) {
      const entry: LedgerEntry = {
        dir: "up",
        topic: String(e.topic),
        payload: textOf(e.payload),
        seq: seqOf(e.payload),
        qos: Number(e.qos ?? 0),
        sentAt: e.t,
        ackedAt: undefined,
        failedAt: undefined,
        failure: undefined,
        deliveries: [],
        ...(typeof e.device === "string" ? { device: e.device } : {}),
      };
      byDeviceOp.set(opKey(e), entry);
      add(entry);
    } else if (isDevice(e, "ack")) {
      const entry = byDeviceOp.get(opKey(e));
      if (!entry) continue;
      if (e.ok === true) entry.ackedAt = e.t;
      else {
        entry.failedAt = e.t;
        entry.failure = String(e.err ?? "failed");
      }
    } else if (isObserverRecv(e)) {
      byKey.up.get(key(String(e.topic), textOf(e.payload)))?.deliveries.push(e.t);
    } else if (isObserver(e, "publish")) {
      const entry: LedgerEntry = {
        dir: "down",
        topic: String(e.topic),
        payload: textOf(e.payload),
        seq: seqOf(e.payload),
        qos: Number(e.qos ?? 0),
        sentAt: e.t,
        ackedAt: undefined,
        failedAt: undefined,
        failure: undefined,
        deliveries: [],
      };
      byObserverId.set(Number(e.id), entry);
      add(entry);
    } else if (isObserver(e, "puback", "publish.error")) {
      const entry = byObserverId.get(Number(e.id));
      if (!entry) continue;
      if (e.kind === "puback") entry.ackedAt = e.t;
      else {
        entry.failedAt = e.t;
        entry.failure = String(e.msg ?? "failed");
      }
    } else if (isDeviceMsg(e)) {
      byKey.down.get(key(String(e.topic), textOf(e.payload)))?.deliveries.push(e.t);
    }
  }
  for (const same of copies.values()) if (same.length > 1) shareDeliveries(same);
  return entries;
}

/**
 * The same payload sent more than once on a topic: the receiver cannot tell the copies apart,
 * so each delivery goes to the earliest copy already sent that has none yet; a surplus is a
 * duplicate of the latest copy sent before it. (Scenario streams never repeat a payload.)
 */
function shareDeliveries(same: LedgerEntry[]): void {
  const pool = same.flatMap((c) => c.deliveries).sort((a, b) => a - b);
  for (const c of same) c.deliveries = [];
  for (const t of pool) {
    const sent = same.filter((c) => c.sentAt <= t);
    (sent.find((c) => c.deliveries.length === 0) ?? sent.at(-1) ?? same[0]!).deliveries.push(t);
  }
}

export function describe(e: LedgerEntry): string {
  return `${e.dir === "up" ? "device→observer" : "observer→device"} ${nameOf(e)} on ${e.topic}`;
}

/** How evidence names one message: its sequence number, or the start of its payload. */
export function nameOf(e: LedgerEntry): string {
  return e.seq !== undefined ? `seq ${e.seq}` : `"${e.payload.slice(0, 40)}"`;
}

/**
 * How a message fared, as a fact (checkers decide what is allowed): never delivered after its
 * sender was told it was acknowledged, never delivered otherwise, delivered after a message
 * sent later on the same topic at the same QoS, delivered more than once, or delivered once.
 */
export type MessageStatus = "delivered" | "duplicated" | "lost-after-ack" | "lost-unacked" | "reordered";

/** One status per message; a message that is both reordered and duplicated is `reordered`. */
export function messageStatuses(ledger: readonly LedgerEntry[]): Map<LedgerEntry, MessageStatus> {
  const late = new Set(inversions(ledger).filter((i) => !i.repeat).map((i) => i.late));
  const out = new Map<LedgerEntry, MessageStatus>();
  for (const m of ledger) {
    if (m.deliveries.length === 0) out.set(m, m.ackedAt !== undefined ? "lost-after-ack" : "lost-unacked");
    else if (late.has(m)) out.set(m, "reordered");
    else out.set(m, m.deliveries.length > 1 ? "duplicated" : "delivered");
  }
  return out;
}

/** A delivery that arrived after a message its sender sent later had already arrived. */
export interface Inversion {
  late: LedgerEntry;
  lateAt: number;
  newer: LedgerEntry;
  newerAt: number;
  /** The late message had already been delivered once: this is a repeat, not its first arrival. */
  repeat: boolean;
  /** For a repeat: the late message's previous delivery. */
  prevAt?: number;
}

/** Order inversions per sender, topic and QoS (the unit MQTT §4.6 orders), in delivery order. */
export function inversions(ledger: readonly LedgerEntry[]): Inversion[] {
  const groups = new Map<string, LedgerEntry[]>();
  for (const m of ledger) {
    const g = `${m.dir}\u0000${m.topic}\u0000${m.qos}`;
    const list = groups.get(g);
    if (list) list.push(m);
    else groups.set(g, [m]);
  }
  const out: Inversion[] = [];
  for (const sent of groups.values()) {
    // Ledger order is send order; ties in delivery time keep send order.
    const arrivals = sent
      .flatMap((m, rank) => m.deliveries.map((t) => ({ m, rank, t })))
      .sort((a, b) => a.t - b.t || a.rank - b.rank);
    let newest: (typeof arrivals)[number] | undefined;
    const lastSeen = new Map<LedgerEntry, number>();
    for (const a of arrivals) {
      if (newest && a.rank < newest.rank) {
        const prevAt = lastSeen.get(a.m);
        out.push({ late: a.m, lateAt: a.t, newer: newest.m, newerAt: newest.t, repeat: prevAt !== undefined, ...(prevAt !== undefined ? { prevAt } : {}) });
      } else if (!newest || a.rank > newest.rank) newest = a;
      lastSeen.set(a.m, a.t);
    }
  }
  return out.sort((a, b) => a.lateAt - b.lateAt);
}

/**
 * Why a repeated delivery of `m` at `againAt` (previous delivery at `prevAt`) could be a
 * legitimate redelivery, or undefined when none was possible. MQTT resends only on a
 * reconnect (§4.4): the sender's after it sent `m` (it resends what was unacknowledged; the
 * broker may hold the first copy queued until the receiver is back, so the reconnect can
 * precede the first delivery), a broker restart after `m` was sent (a durable broker may
 * replay what it had not yet recorded as delivered), or the receiver's after the previous
 * delivery (the broker resends what the receiver had not acknowledged).
 * MQTT 3.1.1 additionally lets a sender resend with DUP on the same connection while it waits
 * for the PUBACK (v5 §4.4 forbids it: [MQTT-4.4.0-1]); for device publishes that is allowed
 * while the publish was still unanswered past the client's response time.
 */
export function redeliveryCause(
  m: LedgerEntry,
  prevAt: number,
  againAt: number,
  r: Reconnects,
  v311?: { responseTimeMs: number },
): string | undefined {
  const [sender, receiver] = m.dir === "up" ? (["device", "observer"] as const) : (["observer", "device"] as const);
  const within = (ts: number[], from: number) => ts.find((t) => t > from && t <= againAt);
  const s = within(r[sender], m.sentAt);
  if (s !== undefined) return `the ${sender} (sender) reconnected at ${at(s)}`;
  const b = within(r.broker, m.sentAt);
  if (b !== undefined) return `the broker restarted at ${at(b)}`;
  const c = within(r[receiver], prevAt);
  if (c !== undefined) return `the ${receiver} (receiver) reconnected at ${at(c)}`;
  const ended = within(r.deviceEnds ?? [], sender === "device" ? m.sentAt : prevAt);
  if (ended !== undefined) return `the device's connection ended at ${at(ended)}, so the copy came on its next one`;

  if (v311 && m.dir === "up") {
    const answeredAt = m.ackedAt ?? m.failedAt ?? Infinity;
    // The resent copy travels with the PUBACK that answers it: allow it one response time.
    if (answeredAt - m.sentAt > v311.responseTimeMs && againAt <= answeredAt + v311.responseTimeMs) {
      return `the publish was unanswered for ${answeredAt === Infinity ? "the rest of the run" : `${Math.round(answeredAt - m.sentAt)} ms`} (> response time ${v311.responseTimeMs} ms): MQTT 3.1.1 lets the client resend it with DUP`;
    }
  }
  return undefined;
}
