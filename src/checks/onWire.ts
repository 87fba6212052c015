import { at, type TimelineEvent } from "../timeline/event.ts";
import type { Check } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { sameWire } from "../mqtt/values.ts";
import { tapped } from "./wire.ts";
import { isLab, isWirePacket } from "../timeline/is.ts";

/**
 * Whether `want` holds in `got`: objects by the fields `want` names (recursively, so
 * {props: {topicAlias: 1}} ignores the other properties), arrays and leaves exactly
 * (sameWire: a one-element array equals its element; {"hex": …} is a leaf).
 */
export function wireMatches(got: unknown, want: unknown): boolean {
  const leaf = (v: unknown) => !v || typeof v !== "object" || Array.isArray(v) || (Object.keys(v).length === 1 && "hex" in v);
  if (leaf(want)) return sameWire(got, want);
  if (!got || typeof got !== "object" || Array.isArray(got)) return false;
  return Object.entries(want as Record<string, unknown>).every(([k, v]) => wireMatches((got as Record<string, unknown>)[k], v));
}

export const onWireChecker = defineChecker({
  name: "onWire",
  group: "compliance",
  guarantee: "a packet with the given fields was — or, with `absent`, never was — on the device's wire in the direction named (the wire tap): the properties a client encoded, the packets it must never send",
  bound: "—",
  factory: onWire,
  example: () => onWire({ dir: "up", cmd: "pingreq", what: "a PINGREQ" }),
});

/**
 * A packet on the device's own socket, from the lab's wire tap: `dir` "up" (what the client
 * put on the wire) or "down" (what reached it), of command `cmd`, with the fields in `where`.
 * `present` (default) passes when one such packet was seen; `absent` passes when none was
 * over a run that got to its end. Without the tap's record it is `unknown`.
 * It judges what the client encoded, which what the application reports cannot show (a client
 * that quietly sends the full topic instead of the alias, drops a subscription option…).
 */
export function onWire(p: { dir: "up" | "down"; cmd: string; where?: Record<string, unknown>; absent?: boolean; what: string; guarantee?: string; name?: string }): Check {
  const dirWord = p.dir === "up" ? "client → broker" : "broker → client";
  return {
    name: p.name ?? onWireChecker.name,
    guarantee: p.guarantee ?? `${p.absent ? "never on the wire" : "on the wire"} (${dirWord}): ${p.what}`,
    judge(events) {
      if (!tapped(events)) return { verdict: "unknown", summary: "the run has no wire tap record", evidence: [] };
      const stopping = events.find((e) => isLab(e, "device.stopping"))?.t ?? Infinity;
      const same = events.filter((e: TimelineEvent) => isWirePacket(e) && e.dir === p.dir && e.cmd === p.cmd);
      const hits = same.filter((e) => wireMatches(e, p.where ?? {}));
      const show = (e: TimelineEvent) => {
        const { t, src: _s, kind: _k, dir: _d, ...rest } = e;
        return { t, text: `${at(t)} ${p.dir} ${JSON.stringify(rest)}` };
      };
      if (p.absent) {
        if (hits.length) return { verdict: "fail", summary: `on the wire (${dirWord}), which must not be: ${p.what}`, evidence: firstN(hits.map(show)) };
        const ended = events.some((e) => isLab(e, "scenario.end"));
        if (!ended || stopping === Infinity) return { verdict: "unknown", summary: "the run did not get to its end, so absence proves nothing", evidence: [] };
        return { verdict: "pass", summary: `never on the wire (${dirWord}): ${p.what} (${same.length} ${p.cmd.toUpperCase()} packet(s) seen)`, evidence: [] };
      }
      if (hits.length) return { verdict: "pass", summary: `on the wire (${dirWord}): ${p.what}`, evidence: firstN(hits.map(show), 3) };
      return { verdict: "fail", summary: `not on the wire (${dirWord}): ${p.what}; ${same.length} other ${p.cmd.toUpperCase()} packet(s)`, evidence: firstN(same.map(show)) };
    },
  };
}
