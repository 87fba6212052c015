import type { TimelineEvent } from "../timeline/event.ts";
import { seqOf } from "./history.ts";

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
}

const key = (topic: string, payload: string) => `${topic}\u0000${payload}`;

export function buildLedger(events: readonly TimelineEvent[]): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  const byDeviceOp = new Map<number, LedgerEntry>();
  const byObserverId = new Map<number, LedgerEntry>();
  // Deliveries are matched to the earliest entry with the same topic+payload.
  const byKey = { up: new Map<string, LedgerEntry>(), down: new Map<string, LedgerEntry>() };

  const add = (e: LedgerEntry) => {
    entries.push(e);
    const k = key(e.topic, e.payload);
    if (!byKey[e.dir].has(k)) byKey[e.dir].set(k, e);
  };

  for (const e of events) {
    if (e.src === "device" && e.kind === "op" && e.op === "publish") {
      const entry: LedgerEntry = {
        dir: "up",
        topic: String(e.topic),
        payload: String(e.payload),
        seq: seqOf(e.payload),
        qos: Number(e.qos ?? 0),
        sentAt: e.t,
        ackedAt: undefined,
        failedAt: undefined,
        failure: undefined,
        deliveries: [],
      };
      byDeviceOp.set(Number(e.id), entry);
      add(entry);
    } else if (e.src === "device" && e.kind === "ack") {
      const entry = byDeviceOp.get(Number(e.id));
      if (!entry) continue;
      if (e.ok === true) entry.ackedAt = e.t;
      else {
        entry.failedAt = e.t;
        entry.failure = String(e.err ?? "failed");
      }
    } else if (e.src === "observer" && e.kind === "recv") {
      byKey.up.get(key(String(e.topic), String(e.payload)))?.deliveries.push(e.t);
    } else if (e.src === "observer" && e.kind === "publish") {
      const entry: LedgerEntry = {
        dir: "down",
        topic: String(e.topic),
        payload: String(e.payload),
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
    } else if (e.src === "observer" && (e.kind === "puback" || e.kind === "publish.error")) {
      const entry = byObserverId.get(Number(e.id));
      if (!entry) continue;
      if (e.kind === "puback") entry.ackedAt = e.t;
      else {
        entry.failedAt = e.t;
        entry.failure = String(e.msg ?? "failed");
      }
    } else if (e.src === "device" && e.kind === "msg") {
      byKey.down.get(key(String(e.topic), String(e.payload)))?.deliveries.push(e.t);
    }
  }
  return entries;
}

export function describe(e: LedgerEntry): string {
  const id = e.seq !== undefined ? `seq ${e.seq}` : `"${e.payload.slice(0, 40)}"`;
  return `${e.dir === "up" ? "device→observer" : "observer→device"} ${id} on ${e.topic}`;
}
