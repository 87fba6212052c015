import { at, type TimelineEvent } from "../timeline/event.ts";
import type { Check } from "./check.ts";
import { defineChecker } from "./check.ts";
import { tapped } from "./wire.ts";
import { isAckOf, isDeviceOp, isWirePacket } from "../timeline/is.ts";

const hex = (n: number) => `0x${n.toString(16).padStart(2, "0")}`;

export const reasonReportedChecker = defineChecker({
  name: "reasonReported",
  group: "compliance",
  guarantee: "MQTT 5 §3.4.2.1: the client hands the application the PUBACK reason code the broker sent for its QoS 1 publish (the one the wire tap saw) and counts it a success exactly when it is below 0x80; `unknown` when the broker sent none of the codes the scenario is about",
  bound: "—",
  factory: reasonReported,
  example: () => reasonReported({ topic: "t", exercised: [0x10] }),
});

/**
 * The client tells the application the reason code the broker put in its PUBACK (MQTT 5
 * §3.4.2.1): the device's answer to its QoS 1 publish on `topic` carries exactly the code the
 * lab's wire tap saw the broker send for that packet id, and counts as success exactly when
 * the code is below 0x80. When the broker sent none of `exercised` (0x10 No matching
 * subscribers is a MAY), the case the scenario is about did not happen: `unknown`.
 */
export function reasonReported(p: { topic: string; exercised: number[]; guarantee?: string; name?: string }): Check {
  return {
    name: p.name ?? reasonReportedChecker.name,
    guarantee: p.guarantee ?? `MQTT 5 §3.4.2.1: the client reports the PUBACK reason code (${p.exercised.map(hex).join("/")}) the broker sent for its publish on ${p.topic}`,
    judge(events) {
      const op = events.findLast((e: TimelineEvent) => isDeviceOp(e, "publish") && e.topic === p.topic);
      if (!op) return { verdict: "unknown", summary: `no publish on ${p.topic} was issued`, evidence: [] };
      if (!tapped(events)) return { verdict: "unknown", summary: "the run has no wire tap record: what the broker sent is not known", evidence: [] };
      const ack = events.find((e) => isAckOf(e, op));
      const sent = events.filter((e) => isWirePacket(e) && e.dir === "up" && e.cmd === "publish" && e.topic === p.topic && e.t >= op.t);
      const pub = sent[0];
      const puback = pub && events.find((e) => isWirePacket(e) && e.dir === "down" && e.cmd === "puback" && e.conn === pub.conn && e.messageId === pub.messageId && e.t >= pub.t);
      if (!pub || !puback) return { verdict: "unknown", summary: `no PUBLISH on ${p.topic} and its PUBACK on the wire`, evidence: [] };
      const rc = typeof puback.reasonCode === "number" ? puback.reasonCode : 0;
      const ev = [
        { t: puback.t, text: `broker's PUBACK for message id ${String(pub.messageId)} at ${at(puback.t)}: ${hex(rc)}` },
        ...(ack ? [{ t: ack.t, text: `client's answer at ${at(ack.t)}: ok ${String(ack.ok)}${typeof ack.reason === "number" ? `, reason ${hex(ack.reason)}` : ", no reason code"}${ack.err ? ` (${String(ack.err)})` : ""}` }] : []),
      ];
      if (!p.exercised.includes(rc)) return { verdict: "unknown", summary: `the broker answered ${hex(rc)}, not ${p.exercised.map(hex).join("/")}: the case was not exercised`, evidence: ev };
      if (!ack) return { verdict: "fail", summary: `the client never answered its publish (the broker's PUBACK said ${hex(rc)})`, evidence: ev };
      const d: string[] = [];
      if (ack.reason !== rc) d.push(typeof ack.reason === "number" ? `reported ${hex(ack.reason)}` : "reported no reason code");
      if (ack.ok !== rc < 0x80) d.push(ack.ok ? "called it a success" : "called it a failure");
      if (d.length) return { verdict: "fail", summary: `the broker's PUBACK said ${hex(rc)}; the client ${d.join(" and ")}`, evidence: ev };
      return { verdict: "pass", summary: `the client reported the broker's PUBACK ${hex(rc)} as ${rc < 0x80 ? "a success" : "a refusal"}`, evidence: ev };
    },
  };
}
