import { at } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker } from "./check.ts";
import { tapped } from "./wire.ts";
import { isAckOf, isBroker, isDeviceOp, isWirePacket } from "../timeline/is.ts";

/** mosquitto: "Sending CONNACK to <id or address> (<session present>, <return code>)". */
const CONNACK = /^\d+: Sending CONNACK to (\S+) \((\d), (\d+)\)/;
/** mosquitto: a CONNECT it parsed and accepted as far as the client id. */
const CONNECTED = /^\d+: New client connected from \S+ as (\S+) /;

export const connectNotSentChecker = defineChecker({
  name: "connectNotSent",
  group: "compliance",
  guarantee: "MQTT-3.1.3-7: a CONNECT the client must refuse itself (a zero-byte client id with Clean Session 0) never leaves it — the broker's refusal is the fallback, not the client's compliance",
  bound: "from the connect's issue to its answer, + 1 s for the broker's log line",
  factory: connectNotSent,
});

/**
 * A connect the client must refuse itself never reaches the broker — e.g. a zero-byte client
 * id with Clean Session 0, which the client MUST NOT send [MQTT-3.1.3-7] (the broker's return
 * code 2 [MQTT-3.1.3-8] is the fallback, not the client's compliance). Judged on the device's
 * last `start` operation: from its issue to its answer (and a second more, for the broker's
 * log line), the broker's log shows no CONNACK and no client connected. A broker that logs no
 * connections leaves it unknown.
 */
export function connectNotSent(p: { graceMs?: number; guarantee?: string; name?: string } = {}): Check {
  const grace = p.graceMs ?? 1000;
  return {
    name: p.name ?? connectNotSentChecker.name,
    guarantee: p.guarantee ?? "the client refuses the connect itself: no CONNECT reaches the broker",
    judge(events) {
      const starts = events.filter((e) => isDeviceOp(e, "start"));
      const op = starts[starts.length - 1];
      if (!op) return { verdict: "unknown", summary: "no connect was asked for", evidence: [] };
      const ack = events.find((e) => isAckOf(e, op));
      const until = (ack?.t ?? events[events.length - 1]!.t) + grace;
      const seen: Evidence[] = [];
      // The wire tap on the device's socket, when the run has one, is the exact witness.
      const tap = tapped(events);
      if (tap)
        for (const e of events)
          if (e.t >= op.t && e.t <= until && isWirePacket(e) && e.dir === "up" && e.cmd === "connect")
            seen.push({ t: e.t, text: `the client sent CONNECT at ${at(e.t)} (client id ${JSON.stringify(e.clientId)}, clean ${String(e.clean)})` });
      for (const e of tap ? [] : events) {
        if (e.t < op.t || e.t > until || !isBroker(e, "log") || typeof e.line !== "string") continue;
        const c = CONNACK.exec(e.line);
        if (c) seen.push({ t: e.t, text: `the broker answered a CONNECT at ${at(e.t)}: CONNACK to ${c[1]} (Session Present ${c[2]}, return code ${c[3]})` });
        else if (CONNECTED.test(e.line)) seen.push({ t: e.t, text: `the broker at ${at(e.t)}: ${e.line.replace(/^\d+: /, "")}` });
      }
      const answer = ack ? `answered at ${at(ack.t)}: ok ${String(ack.ok)}${ack.err ? ` (${String(ack.err)})` : ""}` : "never answered";
      if (seen.length) return { verdict: "fail", summary: `the client sent the CONNECT: ${seen[0]!.text}`, evidence: [{ t: op.t, text: `connect asked at ${at(op.t)}, ${answer}` }, ...seen] };
      const logsConnections = events.some((e) => isBroker(e, "log") && typeof e.line === "string" && CONNACK.test(e.line));
      if (!logsConnections && !tap) return { verdict: "unknown", summary: "the broker's log does not show its CONNACKs", evidence: [] };
      return { verdict: "pass", summary: `no CONNECT reached the broker (the connect ${answer})`, evidence: [{ t: op.t, text: `connect asked at ${at(op.t)}, ${answer}; ${tap ? "no CONNECT on the wire" : "no CONNACK from the broker"} until ${at(until)}` }] };
    },
  };
}
