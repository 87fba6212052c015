import { at, type TimelineEvent } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker } from "./check.ts";
import { isFault, isLab, isWirePacket } from "../timeline/is.ts";

export const eachCopyAcknowledgedChecker = defineChecker({
  name: "eachCopyAcknowledged",
  group: "resilience",
  guarantee: "MQTT 3.1.1 §4.3.2 [MQTT-4.3.2-2] (MQTT 5 §4.3.2): a QoS 1 PUBLISH that reaches the device twice (duplicated by a packet fault: same packet id) is acknowledged twice — one PUBACK with its packet id per copy — on the connection it came on",
  bound: "one response time after the second copy; judged on the wire tap",
  factory: eachCopyAcknowledged,
});

/**
 * For each QoS 1 PUBLISH a packetDuplicate fault doubled on its way to the device: the device's
 * PUBACKs with that packet id on that connection, after the first copy and before the connection
 * ended, number at least two. The receiver owns the packet id once it has sent a PUBACK; a
 * second PUBLISH with the same id is a new publication it must acknowledge too.
 */
export function eachCopyAcknowledged(): Check {
  return {
    name: eachCopyAcknowledgedChecker.name,
    guarantee: eachCopyAcknowledgedChecker.guarantee,
    judge(events: readonly TimelineEvent[], ctx) {
      const grace = ctx.client.response_time * 1000;
      const dups = events.filter((e) => isFault(e, "packet") && e.what === "duplicated" && e.dir === "down" && e.cmd === "publish" && (e.qos ?? 0) >= 1);
      if (!dups.length) return { verdict: "unknown", summary: "no QoS 1 PUBLISH to the device was duplicated in this run", evidence: [] };
      const watchedUntil = events.find((e) => isLab(e, "device.stopping"))?.t ?? events.at(-1)?.t ?? 0;
      const evidence: Evidence[] = [];
      let failed = 0;
      let judged = 0;
      for (const d of dups) {
        if (!isFault(d, "packet")) continue;
        const closed = events.find((e) => e.src === "wire" && e.kind === "close" && e.conn === d.conn && e.t >= d.t)?.t ?? Infinity;
        const acks = events.filter((e) => isWirePacket(e) && e.dir === "up" && e.cmd === "puback" && e.conn === d.conn && e.messageId === d.messageId && e.t >= d.t && e.t <= closed);
        const head = `PUBLISH id ${String(d.messageId)} doubled by ${d.id} at ${at(d.t)} on connection ${d.conn}`;
        if (acks.length >= 2) {
          judged++;
          evidence.push({ t: acks[1]!.t, text: `${head}: PUBACKs at ${acks.map((a) => at(a.t)).join(", ")}` });
          continue;
        }
        if (closed < d.t + grace || d.t + grace > watchedUntil) {
          evidence.push({ t: d.t, text: `${head}: the connection ended or the run stopped watching within one response time; ${acks.length} PUBACK(s) by then` });
          continue;
        }
        judged++;
        failed++;
        evidence.push({ t: d.t, charged: "client", text: `${head}: ${acks.length ? `only one PUBACK (at ${at(acks[0]!.t)})` : "no PUBACK"} for two copies` });
      }
      if (failed) return { verdict: "fail", summary: `${failed} of ${judged} duplicated QoS 1 PUBLISH(es) not acknowledged once per copy`, evidence };
      if (!judged) return { verdict: "unknown", summary: "no duplicated PUBLISH could be judged", evidence };
      return { verdict: "pass", summary: `each of ${judged} duplicated QoS 1 PUBLISH(es) acknowledged once per copy`, evidence };
    },
  };
}
