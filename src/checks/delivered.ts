import type { TimelineEvent } from "../timeline/event.ts";
import { at } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { describe, differences, receiptsOf, receiverName, type Receiver, type ReceiptSpec } from "./receipts.ts";
import { isAckOf, isDevice, isDeviceOp } from "../timeline/is.ts";

export const deliveredChecker = defineChecker({
  name: "delivered",
  group: "compliance",
  guarantee: "a message reaches the named receiver (device, observer or a peer) with exactly the topic, payload, QoS, retain flag and properties wanted, optionally exactly N times; a failure lists every message that receiver got on the topic and what differed",
  bound: "judged after the drain; the scenario waits for it with a bound from the response time",
  factory: delivered,
  example: () => delivered({ to: "device", topic: "t" }),
});

/**
 * A message reached `to` exactly as wanted — topic, payload, QoS, retain flag and properties
 * compared exactly — `count` times (default: at least once). The evidence for a failure is
 * every message that receiver got on that topic, with what differed, and every publish of the
 * device to that topic that its client answered with a failure, in the client's own words (an
 * exception the client raised: its message and the innermost frame of its traceback).
 */
export function delivered(want: ReceiptSpec & { to: Receiver; count?: number; guarantee?: string; name?: string }): Check {
  const who = receiverName(want.to);
  return {
    name: want.name ?? deliveredChecker.name,
    guarantee: want.guarantee ?? `${who} receives ${want.topic} as published`,
    judge(events) {
      const all = receiptsOf(events, want.to);
      const onTopic = all.filter((r) => r.topic === want.topic);
      const exact = onTopic.filter((r) => differences(r, want).length === 0);
      const wantCount = want.count;
      const ok = wantCount === undefined ? exact.length > 0 : exact.length === wantCount;
      const what = `${who} receives ${want.topic}${want.payload !== undefined ? ` ${JSON.stringify(want.payload)}` : ""}`;
      if (ok) return { verdict: "pass", summary: `${what}: ${exact.length} matching deliver${exact.length === 1 ? "y" : "ies"}`, evidence: exact.slice(0, 3).map((r) => ({ t: r.t, text: describe(r) })) };
      const evidence = onTopic.length
        ? onTopic.map((r) => {
            const d = differences(r, want);
            return { t: r.t, text: `${describe(r)}${d.length ? ` — ${d.join("; ")}` : " — matches"}` };
          })
        : [{ text: `${who} received nothing on ${want.topic} (${all.length} message${all.length === 1 ? "" : "s"} on other topics)` }];
      const refused = want.to === "device" ? [] : devicePublishesRefused(events, want.topic);
      const summary =
        wantCount !== undefined && exact.length > 0
          ? `${what}: ${exact.length} matching deliveries, wanted exactly ${wantCount}`
          : onTopic.length
            ? `${what}: ${onTopic.length} message(s) on the topic, none as published`
            : `${what}: never arrived${refused[0] ? ` — the device's publish failed: ${String(refused[0].err)}` : ""}`;
      return { verdict: "fail", summary, evidence: firstN([...evidence, ...refused]) };
    },
  };
}

/**
 * The device's publishes to `topic` that its client answered with a failure (ack ok false): the
 * client's own words (`err`), and for an exception the innermost frame of the traceback the
 * agent sent with it (which file and function of the client raised it).
 */
function devicePublishesRefused(events: readonly TimelineEvent[], topic: string): Evidence[] {
  const out: Evidence[] = [];
  for (const op of events) {
    if (!isDeviceOp(op, "publish") || op.topic !== topic) continue;
    const ack = events.find((e) => isAckOf(e, op) && e.t >= op.t);
    if (!ack || ack.ok !== false) continue;
    const err = typeof ack.err === "string" ? ack.err : "refused";
    const raised = events.findLast((e) => isDevice(e, "error") && e.device === op.device && e.t >= op.t && e.t <= ack.t && e.msg === err);
    const frame = typeof raised?.tb === "string" ? innermostFrame(raised.tb) : undefined;
    out.push({ t: ack.t, err, text: `the device's publish to ${topic} at ${at(op.t)} was answered at ${at(ack.t)}: ok false (${err})${frame ? `, raised at ${frame}` : ""}` });
  }
  return out;
}

/** `File "…/mqtt_v5_properties.py", line 87, in encode_properties` → `mqtt_v5_properties.py line 87, in encode_properties`. */
function innermostFrame(tb: string): string | undefined {
  const frames = [...tb.matchAll(/File "([^"]*)", line (\d+), in (\S+)/g)];
  const last = frames[frames.length - 1];
  if (!last) return undefined;
  const file = last[1]!.split("/").slice(-2).join("/");
  return `${file} line ${last[2]}, in ${last[3]}`;
}
