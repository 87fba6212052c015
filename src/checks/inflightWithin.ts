import { at, type TimelineEvent } from "../timeline/event.ts";
import type { Check } from "./check.ts";
import { defineChecker } from "./check.ts";
import { tapped } from "./wire.ts";
import { isWirePacket } from "../timeline/is.ts";

export const inflightWithinChecker = defineChecker({
  name: "inflightWithin",
  group: "compliance",
  guarantee: "MQTT 5 §3.1.2.11.3, §4.9 (MQTT-3.3.4-9): the broker never has more QoS 1 and 2 PUBLISHes towards the client unacknowledged than the Receive Maximum the client announced; per connection, on the wire tap",
  bound: "the client's Receive Maximum",
  factory: inflightWithin,
  example: () => inflightWithin({ max: 1 }),
});

/**
 * MQTT 5 §3.1.2.11.3, §4.9 (MQTT-3.3.4-9): the broker never has more QoS 1 and QoS 2
 * PUBLISHes towards the client unacknowledged than the Receive Maximum the client announced.
 * Judged on the lab's wire tap of the device's socket, per connection: a PUBLISH down opens a
 * packet id, the client's PUBACK (QoS 1) or PUBCOMP (QoS 2) — or a PUBREC with a reason
 * ≥ 0x80 — closes it. `unknown` without the tap or when nothing was sent at QoS > 0.
 */
export function inflightWithin(p: { max: number; guarantee?: string; name?: string }): Check {
  return {
    name: p.name ?? inflightWithinChecker.name,
    guarantee: p.guarantee ?? `MQTT 5 §4.9: at most ${p.max} QoS 1/2 message(s) in flight from the broker to the client (its Receive Maximum)`,
    judge(events) {
      if (!tapped(events)) return { verdict: "unknown", summary: "the run has no wire tap record", evidence: [] };
      const open = new Map<string, number>(); // "conn:mid" → t
      let peak = 0;
      let peakAt: TimelineEvent | undefined;
      let sent = 0;
      for (const e of events) {
        if (!isWirePacket(e)) continue;
        const key = `${String(e.conn)}:${String(e.messageId)}`;
        if (e.dir === "down" && e.cmd === "publish" && Number(e.qos) > 0) {
          sent++;
          open.set(key, e.t);
          if (open.size > peak) {
            peak = open.size;
            peakAt = e;
          }
        }
        if (e.dir === "up" && (e.cmd === "puback" || e.cmd === "pubcomp" || (e.cmd === "pubrec" && Number(e.reasonCode ?? 0) >= 0x80))) open.delete(key);
        if (e.kind === "packet" && e.cmd === "connack") for (const k of [...open.keys()]) if (!k.startsWith(`${String(e.conn)}:`)) open.delete(k);
      }
      if (!sent) return { verdict: "unknown", summary: "the broker sent the client no QoS 1/2 message", evidence: [] };
      const ev = peakAt ? [{ t: peakAt.t, text: `${peak} unacknowledged at ${at(peakAt.t)} (message id ${String(peakAt.messageId)})` }] : [];
      if (peak > p.max) return { verdict: "fail", summary: `the broker had ${peak} QoS 1/2 messages in flight to the client, over its Receive Maximum ${p.max}`, evidence: ev };
      return { verdict: "pass", summary: `at most ${peak} of ${sent} QoS 1/2 message(s) in flight at once (Receive Maximum ${p.max})`, evidence: ev };
    },
  };
}
