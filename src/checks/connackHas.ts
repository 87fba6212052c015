import { at, type TimelineEvent } from "../timeline/event.ts";
import type { Check } from "./check.ts";
import { defineChecker } from "./check.ts";
import { samePropValue } from "./receipts.ts";
import { isDeviceUp, isPeer, isWirePacket } from "../timeline/is.ts";

export const connackHasChecker = defineChecker({
  name: "connackHas",
  group: "compliance",
  guarantee: "the CONNACK a connection got carries the Session Present flag, reason code and properties the spec requires",
  bound: "—",
  factory: connackHas,
  example: () => connackHas({ who: "device" }),
});

/**
 * The CONNACK a connection got says what the spec requires: Session Present, the reason code,
 * properties (subset, exact values) — as the device reported it (`up`) or a peer recorded it.
 * `nth` picks the connection (1 = first; default the last).
 */
export function connackHas(p: {
  who: "device" | `peer:${string}`;
  nth?: number;
  sessionPresent?: boolean;
  reason?: number;
  props?: Record<string, unknown>;
  /** Properties that must be there, whatever their value (e.g. assignedClientIdentifier). */
  present?: string[];
  guarantee?: string;
  name?: string;
}): Check {
  const label = p.who === "device" ? "the device's" : `peer ${p.who.slice(5)}'s`;
  return {
    name: p.name ?? connackHasChecker.name,
    guarantee: p.guarantee ?? "the CONNACK carries what the spec requires",
    judge(events) {
      const ups = events.filter((e: TimelineEvent) =>
        p.who === "device" ? isDeviceUp(e) : isPeer(e, "up") && e.peer === p.who.slice(5),
      );
      const e = p.nth ? ups[p.nth - 1] : ups[ups.length - 1];
      const which = p.nth ? `connection ${p.nth}` : "the last connection";
      if (!e) return { verdict: "fail", summary: `${label} ${which} never got a CONNACK (${ups.length} connection(s))`, evidence: [] };
      // What the client does not report, the wire tap on its socket saw: the CONNACK that
      // came in just before this `up`. The exchange is judged either way; whether the client
      // shows CONNACK details to the application is a feature of its own (connack-properties).
      const wire = p.who === "device" ? events.filter((w) => isWirePacket(w) && w.dir === "down" && w.cmd === "connack" && w.t <= e.t).pop() : undefined;
      const fromWire: string[] = [];
      let sp = e.session_present ?? e.sessionPresent;
      if (typeof sp !== "boolean" && wire && typeof wire.sessionPresent === "boolean") {
        sp = wire.sessionPresent;
        fromWire.push("Session Present");
      }
      let rc = e.reason ?? e.reasonCode;
      if (typeof rc !== "number" && wire && typeof (wire.reasonCode ?? wire.returnCode) === "number") {
        rc = wire.reasonCode ?? wire.returnCode;
        fromWire.push("reason code");
      }
      const props = (e.props as Record<string, unknown> | undefined) ?? {};
      const d: string[] = [];
      if (p.sessionPresent !== undefined) {
        if (typeof sp !== "boolean") d.push("Session Present not reported by the client");
        else if (sp !== p.sessionPresent) d.push(`Session Present ${sp ? 1 : 0}, wanted ${p.sessionPresent ? 1 : 0}`);
      }
      if (p.reason !== undefined) {
        if (typeof rc !== "number") d.push(`reason code not reported (wanted 0x${p.reason.toString(16)})`);
        else if (rc !== p.reason) d.push(`reason code 0x${rc.toString(16)}, wanted 0x${p.reason.toString(16)}`);
      }
      for (const [k, v] of Object.entries(p.props ?? {})) {
        if (!(k in props)) d.push(`property ${k} missing (wanted ${JSON.stringify(v)})`);
        else if (!samePropValue(k, props[k], v)) d.push(`property ${k} ${JSON.stringify(props[k])}, wanted ${JSON.stringify(v)}`);
      }
      for (const k of p.present ?? []) if (!(k in props)) d.push(`property ${k} missing`);
      const seen = `at ${at(e.t)}: Session Present ${String(sp)}, reason ${String(rc)}, props ${JSON.stringify(props)}${fromWire.length ? ` (${fromWire.join(" and ")} from the wire tap's CONNACK at ${at(wire!.t)}: the client does not report ${fromWire.length > 1 ? "them" : "it"})` : ""}`;
      if (d.length) return { verdict: "fail", summary: `${label} CONNACK of ${which}: ${d.join("; ")}`, evidence: [{ t: e.t, text: seen }] };
      return { verdict: "pass", summary: `${label} CONNACK of ${which} as required`, evidence: [{ t: e.t, text: seen }] };
    },
  };
}
