import type { TimelineEvent } from "../timeline/event.ts";
import { at } from "../timeline/event.ts";
import type { Check } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { describe, receiptsOf, receiverName, type Receiver } from "./receipts.ts";
import { sameWire } from "../mqtt/values.ts";
import { isDeviceOp, isObserver, isPeer } from "../timeline/is.ts";

export const expiryCountsDownChecker = defineChecker({
  name: "expiryCountsDown",
  group: "compliance",
  guarantee: "MQTT 5 §3.3.2.3.3 (MQTT-3.3.2-6): a message passed on carries its Message Expiry Interval less the time it waited in the broker",
  bound: "held w s (on the lab's clock): at most sent − ⌊w − 0.25⌋, at least sent − ⌈w⌉ − 1",
  factory: expiryCountsDown,
  example: () => expiryCountsDown({ to: "device", topic: "t", sent: 10 }),
});

/**
 * MQTT 5 §3.3.2.3.3 (MQTT-3.3.2-6): a message the Server passes on carries its Message Expiry
 * Interval minus the time it waited in the Server. Judged per receipt against the sender's
 * publish on the lab's clock: held w seconds, the value must be at most sent − ⌊w − 0.25⌋
 * (a quarter second for the gap between the lab's stamps and the broker's) and at least
 * sent − ⌈w⌉ − 1 (a broker counting whole seconds may count one more than elapsed).
 */
export function expiryCountsDown(p: { to: Receiver; topic: string; payload?: unknown; sent: number; guarantee?: string; name?: string }): Check {
  const who = receiverName(p.to);
  return {
    name: p.name ?? expiryCountsDownChecker.name,
    guarantee: p.guarantee ?? `MQTT 5 §3.3.2.3.3: ${who} gets ${p.topic} with its Message Expiry Interval (${p.sent} s) less the time it waited in the broker`,
    judge(events) {
      const pub = publishOf(events, p.topic, p.payload, p.sent);
      if (!pub) return { verdict: "unknown", summary: `no publish of ${p.topic} with Message Expiry Interval ${p.sent} is on the timeline`, evidence: [] };
      const got = receiptsOf(events, p.to).filter((r) => r.topic === p.topic && (p.payload === undefined || sameWire(r.payload, p.payload)) && r.t >= pub.t);
      if (!got.length) return { verdict: "fail", summary: `${who} never received ${p.topic} published at ${at(pub.t)}`, evidence: [] };
      const bad: string[] = [];
      const evidence = got.map((r) => {
        const w = (r.t - pub.t) / 1000;
        const v = r.props.messageExpiryInterval;
        const hi = p.sent - Math.max(0, Math.floor(w - 0.25));
        const lo = p.sent - Math.ceil(w) - 1;
        let why = "";
        if (typeof v !== "number") why = "Message Expiry Interval missing";
        else if (v > hi) why = `Message Expiry Interval ${v} after ${w.toFixed(3)} s in the broker: not counted down (at most ${hi})`;
        else if (v < lo) why = `Message Expiry Interval ${v} after ${w.toFixed(3)} s in the broker: counted down too far (at least ${lo})`;
        if (why) bad.push(why);
        return { t: r.t, text: `${describe(r)} — held ${w.toFixed(3)} s, sent with ${p.sent}${why ? `: ${why}` : ": as required"}` };
      });
      const lead = { t: pub.t, text: `published at ${at(pub.t)} with Message Expiry Interval ${p.sent}` };
      if (bad.length) return { verdict: "fail", summary: `${who}: ${bad[0]}`, evidence: firstN([lead, ...evidence]) };
      return { verdict: "pass", summary: `${who} got ${p.topic} with the interval counted down by the time it waited`, evidence: firstN([lead, ...evidence]) };
    },
  };
}

/** The latest publish (device op or peer publish) of topic/payload that set this expiry. */
function publishOf(events: readonly TimelineEvent[], topic: string, payload: unknown, sent: number): TimelineEvent | undefined {
  return events.findLast((e) => {
    const isPub = isDeviceOp(e, "publish") || isPeer(e, "publish") || isObserver(e, "publish");
    if (!isPub || e.topic !== topic) return false;
    if (payload !== undefined && !sameWire(e.payload, payload)) return false;
    return (e.props as Record<string, unknown> | undefined)?.messageExpiryInterval === sent;
  });
}
