import type { TimelineEvent } from "../timeline/event.ts";
import { at } from "../timeline/event.ts";
import { sameWire } from "../scenario/wire.ts";

/**
 * Who received a message, as compliance checks name it: the device under test, the observer,
 * or a named peer ("peer:sub").
 */
export type Receiver = "device" | "observer" | `peer:${string}`;

/** A message as one receiver saw it; the same shape whoever recorded it. */
export interface Receipt {
  t: number;
  topic: string;
  payload: unknown;
  qos?: number;
  retain?: boolean;
  dup?: boolean;
  props: Record<string, unknown>;
}

export function receiptsOf(events: readonly TimelineEvent[], to: Receiver): Receipt[] {
  const mine = (e: TimelineEvent) =>
    to === "device" ? e.src === "device" && e.kind === "msg" : to === "observer" ? e.src === "observer" && e.kind === "recv" : e.src === "peer" && e.kind === "recv" && e.peer === to.slice(5);
  return events.filter(mine).map((e) => ({
    t: e.t,
    topic: String(e.topic),
    payload: e.payload,
    ...(typeof e.qos === "number" ? { qos: e.qos } : {}),
    // The device agents say `retained` (mqtt_as's word), MQTT.js says `retain`.
    ...(typeof e.retained === "boolean" ? { retain: e.retained } : typeof e.retain === "boolean" ? { retain: e.retain } : {}),
    ...(typeof e.dup === "boolean" ? { dup: e.dup } : {}),
    props: (e.props as Record<string, unknown> | undefined) ?? {},
  }));
}

/** What a receipt must look like; every field given is compared exactly. */
export interface ReceiptSpec {
  topic: string;
  payload?: unknown;
  qos?: number;
  retain?: boolean;
  /** Properties that must be present with exactly these values (others may be there too). */
  props?: Record<string, unknown>;
  /** Properties that must be absent. */
  absent?: string[];
}

/** The differences between a receipt and what was wanted; empty when it matches. */
export function differences(r: Receipt, want: ReceiptSpec): string[] {
  const d: string[] = [];
  if (r.topic !== want.topic) d.push(`topic ${JSON.stringify(r.topic)} ≠ ${JSON.stringify(want.topic)}`);
  if (want.payload !== undefined && !sameWire(r.payload, want.payload)) d.push(`payload ${JSON.stringify(r.payload)} ≠ ${JSON.stringify(want.payload)}`);
  if (want.qos !== undefined && r.qos !== undefined && r.qos !== want.qos) d.push(`QoS ${r.qos} ≠ ${want.qos}`);
  if (want.qos !== undefined && r.qos === undefined) d.push(`QoS not reported by the receiver (wanted ${want.qos})`);
  if (want.retain !== undefined && r.retain !== want.retain) d.push(`retain ${String(r.retain)} ≠ ${String(want.retain)}`);
  for (const [k, v] of Object.entries(want.props ?? {})) {
    if (!(k in r.props)) d.push(`property ${k} missing (wanted ${JSON.stringify(v)})`);
    else if (!sameWire(r.props[k], v)) d.push(`property ${k} ${JSON.stringify(r.props[k])} ≠ ${JSON.stringify(v)}`);
  }
  for (const k of want.absent ?? []) if (k in r.props) d.push(`property ${k} present (${JSON.stringify(r.props[k])}) but must be absent`);
  return d;
}

export function describe(r: Receipt): string {
  const props = Object.keys(r.props).length ? ` props ${JSON.stringify(r.props)}` : "";
  return `${at(r.t)} ${r.topic} ${JSON.stringify(r.payload)}${r.qos !== undefined ? ` QoS ${r.qos}` : ""}${r.retain ? " retained" : ""}${props}`;
}

/** "device", "observer", "peer sub" — for sentences. */
export function receiverName(to: Receiver): string {
  return to.startsWith("peer:") ? `peer ${to.slice(5)}` : to === "device" ? "the device" : "the observer";
}
