import type { TimelineEvent } from "../timeline/event.ts";
import { at } from "../timeline/event.ts";
import { sameWire } from "../mqtt/values.ts";
import { isDeviceMsg, isObserverRecv, isPeer } from "../timeline/is.ts";

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
    to === "device" ? isDeviceMsg(e) : to === "observer" ? isObserverRecv(e) : isPeer(e, "recv") && e.peer === to.slice(5);
  return events.filter(mine).map((e) => ({
    t: e.t,
    topic: String(e.topic),
    payload: e.payload,
    ...(typeof e.qos === "number" ? { qos: e.qos } : {}),
    // The device agents say `retained` (mqtt_as's word), MQTT.js says `retain`. Each reports
    // the flag as its client hands it over: a bool (mqtt_as, MQTT.js) or the bit, 0/1 (aiomqttc).
    ...(flagOf(e.retained) !== undefined ? { retain: flagOf(e.retained) === 1 } : typeof e.retain === "boolean" ? { retain: e.retain } : {}),
    ...(typeof e.dup === "boolean" ? { dup: e.dup } : {}),
    props: (e.props as Record<string, unknown> | undefined) ?? {},
  }));
}

/** true/1 → 1, false/0 → 0, anything else undefined: a one-bit flag however a client hands it over. */
function flagOf(v: unknown): 0 | 1 | undefined {
  return v === true || v === 1 ? 1 : v === false || v === 0 ? 0 : undefined;
}

/**
 * MQTT 5's one-byte properties that hold a 0/1 flag (§2.2.2.2 "Byte"; §3.3.2.3.2, §3.1.2.11.6-7,
 * §3.2.2.3.5-.3.12). MQTT.js and the peers hand them to the application as booleans, mqtt_as as
 * the int it read (its README: "byte", "byte 0/1"). The adapters report what their client hands
 * over, so the comparison is of the MQTT value: true ≡ 1, false ≡ 0.
 */
const FLAG_PROPS = new Set([
  "payloadFormatIndicator",
  "requestProblemInformation",
  "requestResponseInformation",
  "retainAvailable",
  "wildcardSubscriptionAvailable",
  "subscriptionIdentifiersAvailable",
  "sharedSubscriptionAvailable",
]);

/** One property's value compared as MQTT sees it: sameWire, except that a flag property's true/false equals 1/0. */
export function samePropValue(name: string, got: unknown, want: unknown): boolean {
  if (FLAG_PROPS.has(name)) {
    const a = flagOf(got);
    const b = flagOf(want);
    if (a !== undefined && b !== undefined) return a === b;
  }
  return sameWire(got, want);
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
    else if (!samePropValue(k, r.props[k], v)) d.push(`property ${k} ${JSON.stringify(r.props[k])} ≠ ${JSON.stringify(v)}`);
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
