import { at, type TimelineEvent } from "../timeline/event.ts";
import type { Check } from "./check.ts";
import { defineChecker } from "./check.ts";
import { isAckOf, isDeviceOp } from "../timeline/is.ts";

export const opAnsweredChecker = defineChecker({
  name: "opAnswered",
  group: "compliance",
  guarantee: "the client answers a publish / subscribe / unsubscribe as the spec requires — accepted or refused, with the PUBACK reason code or SUBACK codes",
  bound: "—",
  factory: opAnswered,
  example: () => opAnswered({ op: "publish" }),
});

/**
 * A device operation on `topic` was answered as the spec requires: accepted or refused
 * (`ok`), with a PUBACK reason code (`reason`) or SUBACK codes (`granted`) when given. The
 * device's ack is the client's answer to the application. With `payload`, the latest publish of
 * that (text) payload is judged.
 */
export function opAnswered(p: { op: "publish" | "subscribe" | "unsubscribe" | "disconnect" | "start"; topic?: string; payload?: string; ok?: boolean; reason?: number; granted?: number[]; guarantee?: string; name?: string }): Check {
  return {
    name: p.name ?? opAnsweredChecker.name,
    guarantee: p.guarantee ?? `the client answers ${p.op} as the spec requires`,
    judge(events) {
      const ops = events.filter((e: TimelineEvent) => isDeviceOp(e) && e.op === p.op && (p.topic === undefined || e.topic === p.topic) && (p.payload === undefined || e.payload === p.payload));
      if (!ops.length) return { verdict: "unknown", summary: `no ${p.op}${p.topic ? ` on ${p.topic}` : ""} was issued`, evidence: [] };
      const op = ops[ops.length - 1]!;
      const ack = events.find((e) => isAckOf(e, op));
      if (!ack) return { verdict: "fail", summary: `${p.op}${p.topic ? ` ${p.topic}` : ""} issued at ${at(op.t)} was never answered`, evidence: [{ t: op.t, text: `op ${String(op.id)} unanswered` }] };
      const d: string[] = [];
      if (p.ok !== undefined && ack.ok !== p.ok) d.push(`${ack.ok ? "accepted" : `refused (${String(ack.err ?? "")})`}, wanted ${p.ok ? "accepted" : "refused"}`);
      if (p.reason !== undefined && ack.reason !== p.reason)
        d.push(typeof ack.reason === "number" ? `reason code 0x${ack.reason.toString(16)}, wanted 0x${p.reason.toString(16)}` : `reason code not reported (wanted 0x${p.reason.toString(16)})`);
      if (p.granted !== undefined && JSON.stringify(ack.granted) !== JSON.stringify(p.granted))
        d.push(Array.isArray(ack.granted) ? `SUBACK ${JSON.stringify(ack.granted)}, wanted ${JSON.stringify(p.granted)}` : `SUBACK codes not reported (wanted ${JSON.stringify(p.granted)})`);
      const seen = `${p.op}${p.topic ? ` ${p.topic}` : ""} at ${at(op.t)} answered at ${at(ack.t)}: ok ${String(ack.ok)}${ack.err ? ` (${String(ack.err)})` : ""}${typeof ack.reason === "number" ? `, reason 0x${ack.reason.toString(16)}` : ""}${Array.isArray(ack.granted) ? `, granted ${JSON.stringify(ack.granted)}` : ""}`;
      if (d.length) return { verdict: "fail", summary: `${p.op}${p.topic ? ` ${p.topic}` : ""}: ${d.join("; ")}`, evidence: [{ t: ack.t, text: seen }] };
      return { verdict: "pass", summary: `${p.op} answered as required`, evidence: [{ t: ack.t, text: seen }] };
    },
  };
}
