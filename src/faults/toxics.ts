import type { ICreateToxicBody, ToxicType } from "toxiproxy-node-client";
import type { DeviceLink } from "../lab/link.ts";
import type { Fault } from "./fault.ts";
import { LabError, oneLine } from "../lab/errors.ts";

/**
 * Toxiproxy's names for the two halves of the wire: `upstream` is device → broker,
 * `downstream` is broker → device.
 */
export type Stream = "upstream" | "downstream";
/** Which half of the wire a fault acts on. */
export type Direction = Stream | "both";

export function streamsOf(direction: Direction): Stream[] {
  return direction === "both" ? ["upstream", "downstream"] : [direction];
}

/** One toxic to add: its Toxiproxy type, the half of the wire, and its attributes (Toxiproxy's units). */
export interface ToxicSpec {
  type: ToxicType;
  stream: Stream;
  attributes: Record<string, number>;
}

/**
 * A close held for this long is held for the whole run: 24 h in ms (Toxiproxy's slow_close
 * `delay` and latency `latency` are milliseconds; a run never lasts a day).
 */
export const HOLD_MS = 86_400_000;

/** Toxics some fault added, removable once. */
export interface ToxicSet {
  /** Toxic names as Toxiproxy knows them, in the order they were added. */
  readonly names: string[];
  /** Remove them all, last added first (the order Toxiproxy needs, see silentWire); idempotent. */
  remove(): Promise<void>;
}

let serial = 0;

/**
 * Add toxics to the device's proxy, in order. If one cannot be added, those already added are
 * removed again and a LabError says which one failed: a fault is in place whole or not at all.
 * Toxics apply to the connections open now and to every connection opened while they stay.
 */
export async function addToxics(link: DeviceLink, kind: string, specs: ToxicSpec[]): Promise<ToxicSet> {
  const n = ++serial;
  const added: { name: string; remove: () => Promise<void> }[] = [];
  let removed = false;
  const set: ToxicSet = {
    get names() {
      return added.map((a) => a.name);
    },
    async remove() {
      if (removed) return;
      removed = true;
      const problems: string[] = [];
      for (const a of [...added].reverse()) {
        try {
          await a.remove();
        } catch (err) {
          // Already gone (a second heal, a proxy reset) is what we wanted anyway.
          if (!/not found|404/i.test(oneLine(err))) problems.push(`${a.name}: ${oneLine(err)}`);
        }
      }
      if (problems.length) throw new LabError(`could not remove the toxics of ${kind} from ${link.name}: ${problems.join("; ")}`);
    },
  };
  for (const [i, s] of specs.entries()) {
    const body: ICreateToxicBody<Record<string, number>> = {
      name: `${kind}-${n}-${i}-${s.stream}-${s.type}`,
      type: s.type,
      stream: s.stream,
      toxicity: 1,
      attributes: s.attributes,
    };
    try {
      const t = await link.proxy.addToxic(body);
      added.push({ name: body.name, remove: () => t.remove() });
    } catch (err) {
      await set.remove().catch(() => {});
      throw new LabError(`could not add the ${s.type} toxic (${s.stream}) of ${kind} to ${link.name}: ${oneLine(err)}`);
    }
  }
  return set;
}

/**
 * The wire goes silent in both directions, the way a radio link that is gone looks from
 * either end: no byte passes, no FIN, no RST, and a new connection is accepted but hears
 * nothing back. (A disabled proxy is not silent: measured, it closes the open connections
 * with a FIN and refuses new ones with an RST, ECONNREFUSED.) Measured on Toxiproxy 2.12:
 *
 * - A new connection's TCP handshake completes at the proxy, so the client's connect()
 *   succeeds and its CONNECT then goes unanswered; on a real link the SYN itself would go
 *   unanswered. The proxy also dials the broker for it, so the broker sees a TCP connection
 *   that never sends a CONNECT (closed at the heal). Either way no CONNECT gets through.
 * - `timeout` with timeout 0 drops every byte, but on its own it passes a close through: when
 *   the broker drops the connection on its keepalive (1.5 × keepalive), the device would get a
 *   FIN at once and be told of the outage by the lab. A `slow_close` held for HOLD_MS behind it
 *   keeps that close (and the device's) in the proxy until the heal.
 * - Removing the toxics closes (FIN, both ends) every connection that lived through the outage:
 *   the timeout toxic's cleanup does that, and it is consistent, since bytes were dropped and
 *   a stream with a hole must not resume. So no connection survives a blackhole here, however
 *   short; on a real link a blip shorter than both ends' timeouts is bridged by TCP
 *   retransmission. A client's reconnect is tested; survival of a blip is not.
 * - Order matters: per direction timeout first, then slow_close, and removal in reverse
 *   (ToxicSet.remove). Removing the timeout first would leave the slow_close orphaned in the
 *   proxy's connection and hold that close for HOLD_MS.
 */
export function silentWire(link: DeviceLink, kind: string): Promise<ToxicSet> {
  return addToxics(
    link,
    kind,
    streamsOf("both").flatMap((stream): ToxicSpec[] => [
      { type: "timeout", stream, attributes: { timeout: 0 } },
      { type: "slow_close", stream, attributes: { delay: HOLD_MS } },
    ]),
  );
}

/** What silentWire does, as recorded in a fault's params. */
export const SILENT_WIRE = "timeout 0 + slow_close, both directions";

/**
 * A fault that is nothing but toxics on the device's proxy: inject adds them, heal (and
 * restore at teardown) removes them.
 */
export function toxicFault(link: DeviceLink, kind: string, params: Record<string, unknown>, specs: ToxicSpec[]): Fault {
  let set: ToxicSet | undefined;
  return {
    kind,
    params,
    async inject() {
      set = await addToxics(link, kind, specs);
    },
    async heal() {
      const s = set;
      set = undefined;
      await s?.remove();
    },
  };
}

/** A parameter check that fails with a sentence naming the fault, the parameter and its unit. */
export function requireNumber(kind: string, name: string, value: number, ok: (v: number) => boolean, rule: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || !ok(value)) throw new LabError(`${kind}: ${name} must be ${rule}, not ${String(value)}`);
  return value;
}
