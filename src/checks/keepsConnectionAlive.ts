import { at } from "../timeline/event.ts";
import { sentByClient } from "./wire.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { connectionSpan } from "./staysConnected.ts";
import { isBroker } from "../timeline/is.ts";

export const keepsConnectionAliveChecker = defineChecker({
  name: "keepsConnectionAlive",
  group: "compliance",
  guarantee: "MQTT 3.1.1 §3.1.2.10 [MQTT-3.1.2-23]: an idle client sends a control packet (PINGREQ when it has nothing else) within its keepalive, so the broker never closes its connection, from its first `up` to the scenario's end",
  bound: "silences ≤ keepalive + 500 ms, on the wire tap or the broker's log",
  factory: keepsConnectionAlive,
});

/**
 * MQTT 3.1.1 §3.1.2.10: the client keeps its connection alive on its own — it never lets more
 * than Keep Alive seconds pass without sending a control packet (PINGREQ when it has nothing
 * else to send) [MQTT-3.1.2-23], so the broker, which closes a connection silent for
 * 1.5 × Keep Alive [MQTT-3.1.2-24], never has reason to. Judged from the device's first `up`
 * to the end of the scenario (`device.stopping`): no `down`, no second `up`, the broker never
 * closed it (connectionSpan); and, from the broker's log of what it received from
 * the client, no silence longer than the keepalive (+ `toleranceMs`: log lines are stamped when
 * the host reads them). A broker that does not log packets leaves the second half unjudged.
 */
export function keepsConnectionAlive(p: { toleranceMs?: number; guarantee?: string; name?: string } = {}): Check {
  const tol = p.toleranceMs ?? 500;
  return {
    name: p.name ?? keepsConnectionAliveChecker.name,
    guarantee: p.guarantee ?? "an idle client sends PINGREQ within its keepalive and keeps its connection (MQTT-3.1.2-23)",
    judge(events, ctx) {
      const id = ctx.client.client_id;
      const ka = ctx.client.keepalive * 1000;
      const span = connectionSpan(events, id);
      if (!span) return { verdict: "fail", summary: "the client never came up", evidence: [] };
      if (span.broken.length) return { verdict: "fail", summary: `the connection did not last: ${span.broken[0]!.text}`, evidence: firstN(span.broken) };
      if (!span.ended) return { verdict: "unknown", summary: "the scenario did not get to its end", evidence: [] };
      const { first, end } = span;
      const upT = events[first]!.t;
      const endT = events[end]!.t;

      const sent = sentByClient(events, id);
      const spanText = `connected from ${at(upT)} to ${at(endT)} (${((endT - upT) / 1000).toFixed(1)} s, keepalive ${ctx.client.keepalive} s)`;
      if (!sent) return { verdict: "unknown", summary: `${spanText}; neither a wire tap nor the broker's log shows what the client sent`, evidence: [] };
      // From the client's CONNECT (the broker's CONNACK to it, else its up) to the end.
      const connack = events.slice(0, first + 1).findLast((e) => isBroker(e, "connack") && e.client === id);
      let last = connack?.t ?? upT;
      let longest = { from: last, to: last };
      const pings: { t: number }[] = [];
      for (const p of sent) {
        if (p.t < upT || p.t > endT) continue;
        if (p.cmd === "PINGREQ") pings.push(p);
        if (p.t - last > longest.to - longest.from) longest = { from: last, to: p.t };
        last = p.t;
      }
      const tail = endT - last > longest.to - longest.from;
      if (tail) longest = { from: last, to: endT };
      const gap = longest.to - longest.from;
      const evidence: Evidence[] = [
        { t: upT, text: spanText },
        { text: `${pings.length} PINGREQ(s) from the client: ${pings.slice(0, 8).map((e) => at(e.t)).join(", ")}${pings.length > 8 ? ", …" : ""}` },
        { t: longest.from, text: `longest silence ${gap.toFixed(0)} ms, from ${at(longest.from)} to ${at(longest.to)}${tail ? " (the end)" : ""}` },
      ];
      if (gap > ka + tol) return { verdict: "fail", summary: `the client sent nothing for ${(gap / 1000).toFixed(1)} s, more than its keepalive of ${ctx.client.keepalive} s (MQTT-3.1.2-23)`, evidence };
      return { verdict: "pass", summary: `${spanText}; never silent longer than its keepalive (${pings.length} PINGREQ)`, evidence };
    },
  };
}
