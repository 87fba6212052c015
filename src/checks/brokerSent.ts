import { at, type TimelineEvent } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { tapped } from "./wire.ts";
import { isBroker, isDeviceOp, isDeviceUp, isWirePacket } from "../timeline/is.ts";

/** A PUBLISH the broker says it sent, and what the receiving client answered, from its log. */
export interface WirePublish {
  t: number;
  client: string;
  dup: boolean;
  qos: number;
  retain: boolean;
  mid: number;
  topic: string;
  bytes: number;
  /** PUBACK (QoS 1) or PUBCOMP (QoS 2) from the client for this mid, after this send. */
  completedAt?: number;
  /** PUBREC from the client (QoS 2). */
  recAt?: number;
}

// mosquitto 2.0 at log_type all (debug):
//   "1795601960: Sending PUBLISH to dev (d0, q1, r0, m1, 'a/b', ... (2 bytes))"
//   "1795601960: Received PUBACK from dev (Mid: 1, RC:0)"
//   "1795601960: Received PUBREC from dev (Mid: 2)"   "… Received PUBCOMP from dev (Mid: 2, RC:0)"
// mosquitto truncates a log line near 500 characters, so a very long topic is not matched.
const SENT = /^\d+: Sending PUBLISH to (\S+) \(d(\d), q(\d), r(\d), m(\d+), '(.*)', \.\.\. \((\d+) bytes\)\)$/s;
const ANSWER = /^\d+: Received (PUBACK|PUBREC|PUBCOMP) from (\S+) \(Mid: (\d+)/;

/** The PUBLISH packets the broker logged sending to `client`, with the client's answers. */
export function wirePublishes(events: readonly TimelineEvent[], client: string): WirePublish[] {
  if (tapped(events)) return tappedPublishes(events, client);
  const out: WirePublish[] = [];
  for (const e of events) {
    if (!isBroker(e, "log") || typeof e.line !== "string") continue;
    const s = SENT.exec(e.line);
    if (s && s[1] === client) {
      out.push({ t: e.t, client, dup: s[2] === "1", qos: Number(s[3]), retain: s[4] === "1", mid: Number(s[5]), topic: s[6]!, bytes: Number(s[7]) });
      continue;
    }
    const a = ANSWER.exec(e.line);
    if (!a || a[2] !== client) continue;
    const mid = Number(a[3]);
    // The answer belongs to the latest send of that packet id still waiting for it.
    for (let i = out.length - 1; i >= 0; i--) {
      const w = out[i]!;
      if (w.mid !== mid || w.qos === 0) continue;
      if (a[1] === "PUBREC") {
        if (w.qos === 2 && w.recAt === undefined) w.recAt = e.t;
      } else if (w.completedAt === undefined && (a[1] === "PUBACK" ? w.qos === 1 : w.qos === 2)) w.completedAt = e.t;
      break;
    }
  }
  return out;
}

/** The same, from the lab's wire tap on the device's socket: exact, and for any broker. */
function tappedPublishes(events: readonly TimelineEvent[], client: string): WirePublish[] {
  const out: WirePublish[] = [];
  for (const e of events) {
    if (!isWirePacket(e)) continue;
    if (e.dir === "down" && e.cmd === "publish") {
      out.push({ t: e.t, client, dup: e.dup === true, qos: Number(e.qos ?? 0), retain: e.retain === true, mid: Number(e.messageId ?? 0), topic: String(e.topic), bytes: Number(e.payloadBytes ?? 0) });
      continue;
    }
    if (e.dir !== "up" || !["puback", "pubrec", "pubcomp"].includes(String(e.cmd))) continue;
    for (let i = out.length - 1; i >= 0; i--) {
      const w = out[i]!;
      if (w.mid !== e.messageId || w.qos === 0) continue;
      if (e.cmd === "pubrec") {
        if (w.qos === 2 && w.recAt === undefined) w.recAt = e.t;
      } else if (w.completedAt === undefined && (e.cmd === "puback" ? w.qos === 1 : w.qos === 2)) w.completedAt = e.t;
      break;
    }
  }
  return out;
}

function describe(w: WirePublish): string {
  const ans = w.qos === 1 ? (w.completedAt !== undefined ? `, PUBACK at ${at(w.completedAt)}` : ", no PUBACK") : w.qos === 2 ? `${w.recAt !== undefined ? `, PUBREC at ${at(w.recAt)}` : ", no PUBREC"}${w.completedAt !== undefined ? `, PUBCOMP at ${at(w.completedAt)}` : ", no PUBCOMP"}` : "";
  const topic = w.topic.length > 80 ? `${w.topic.slice(0, 77)}…` : w.topic;
  return `${at(w.t)} PUBLISH to ${w.client} (DUP ${w.dup ? 1 : 0}, QoS ${w.qos}, RETAIN ${w.retain ? 1 : 0}, mid ${w.mid}) '${topic}' ${w.bytes} bytes${ans}`;
}

export const brokerSentChecker = defineChecker({
  name: "brokerSent",
  group: "compliance",
  guarantee: "the broker sent the device a PUBLISH on the topic with the DUP / QoS / RETAIN flags wanted (MQTT 3.1.1 §3.3.1) — optionally exactly N times — and, when asked, the client completed its QoS exchange (PUBACK; PUBREC then PUBCOMP, §4.3): what a client's API may not report. From the wire tap, else the broker's log; `unknown` with neither",
  bound: "—",
  factory: brokerSent,
  example: () => brokerSent({ topic: "t" }),
});

/**
 * On the wire, as the broker's own log tells it: the broker sent the device (the run's client
 * id) a PUBLISH on `topic` with the DUP / QoS / RETAIN flags wanted, and — with `completed` —
 * the client finished that packet's QoS exchange (PUBACK for QoS 1; PUBREC, then PUBCOMP for
 * QoS 2, MQTT 3.1.1 §4.3). It sees what a client's API may not report (a message's QoS, its
 * DUP flag) and what the client answered. A broker that does not log its packets leaves it
 * `unknown`.
 */
export function brokerSent(want: { topic: string; dup?: boolean; qos?: number; retain?: boolean; completed?: boolean; count?: number; guarantee?: string; name?: string }): Check {
  const flags = [want.dup !== undefined ? `DUP ${want.dup ? 1 : 0}` : "", want.qos !== undefined ? `QoS ${want.qos}` : "", want.retain !== undefined ? `RETAIN ${want.retain ? 1 : 0}` : ""].filter(Boolean).join(", ");
  return {
    name: want.name ?? brokerSentChecker.name,
    guarantee: want.guarantee ?? `the broker sends the device ${want.topic}${flags ? ` with ${flags}` : ""}${want.completed ? " and the client completes the QoS exchange" : ""}`,
    judge(events, ctx) {
      const id = ctx.client.client_id;
      const logsPackets = tapped(events) || events.some((e) => isBroker(e, "log") && typeof e.line === "string" && /: (Sending|Received) [A-Z]+ (to|from) /.test(e.line));
      if (!logsPackets) return { verdict: "unknown", summary: "neither a wire tap nor the broker's log shows packets: the wire cannot be judged", evidence: [] };
      const all = wirePublishes(events, id).filter((w) => w.topic === want.topic);
      const diff = (w: WirePublish): string[] => {
        const d: string[] = [];
        if (want.dup !== undefined && w.dup !== want.dup) d.push(`DUP ${w.dup ? 1 : 0} ≠ ${want.dup ? 1 : 0}`);
        if (want.qos !== undefined && w.qos !== want.qos) d.push(`QoS ${w.qos} ≠ ${want.qos}`);
        if (want.retain !== undefined && w.retain !== want.retain) d.push(`RETAIN ${w.retain ? 1 : 0} ≠ ${want.retain ? 1 : 0}`);
        if (want.completed && w.qos > 0 && w.completedAt === undefined) d.push(w.qos === 1 ? "the client never sent PUBACK" : w.recAt === undefined ? "the client never sent PUBREC" : "the client never sent PUBCOMP");
        return d;
      };
      const good = all.filter((w) => diff(w).length === 0);
      const ok = want.count === undefined ? good.length > 0 : good.length === want.count;
      const what = `PUBLISH ${want.topic}${flags ? ` (${flags})` : ""} to ${id}`;
      if (ok) return { verdict: "pass", summary: `${what}: ${good.length} on the wire as wanted`, evidence: good.slice(0, 3).map((w) => ({ t: w.t, text: describe(w) })) };
      const evidence: Evidence[] = all.length
        ? all.map((w) => {
            const d = diff(w);
            return { t: w.t, text: `${describe(w)}${d.length ? ` — ${d.join("; ")}` : " — matches"}` };
          })
        : [{ text: `the broker's log shows no PUBLISH to ${id} on ${want.topic}` }];
      const summary = want.count !== undefined && good.length > 0 ? `${what}: ${good.length} as wanted, wanted exactly ${want.count}` : all.length ? `${what}: ${all.length} sent, none as wanted` : `${what}: never sent`;
      return { verdict: "fail", summary, evidence: firstN(evidence) };
    },
  };
}

const RECEIVED_PUBLISH = /^\d+: Received PUBLISH from (\S+) \(d(\d), q(\d), r(\d), m(\d+), '(.*)', \.\.\. \((\d+) bytes\)\)$/s;

export const brokerReceivedChecker = defineChecker({
  name: "brokerReceived",
  group: "compliance",
  guarantee: "the device sent a PUBLISH on the topic with the DUP / QoS / RETAIN flags wanted, e.g. the resend of an unacknowledged QoS 1 message with DUP 1 [MQTT-3.3.1-1, MQTT-4.4.0-1]. From the wire tap on the device's socket, else the broker's log; `unknown` with neither",
  bound: "with `afterReconnect`, only a PUBLISH after a reconnect counts",
  factory: brokerReceived,
  example: () => brokerReceived({ topic: "t" }),
});

/**
 * The other direction: the device (the run's client id) sent a PUBLISH on `topic` with the
 * DUP / QoS / RETAIN flags wanted — e.g. the resend of an unacknowledged QoS 1 message after a
 * reconnect, which carries DUP 1 [MQTT-3.3.1-1, MQTT-4.4.0-1]. From the wire tap on the
 * device's socket when the run has one (what the client wrote, for any broker), else from the
 * broker's log (what reached the broker); `unknown` with neither.
 */
export function brokerReceived(want: {
  topic: string;
  dup?: boolean;
  qos?: number;
  retain?: boolean;
  /**
   * Only a resend after a reconnect counts: on a later TCP connection than the topic's first
   * PUBLISH (wire tap), or after a client `up` that followed the first publish op on the topic
   * (broker's log) — a resend on the same, dead connection is not what MQTT-4.4.0-1 asks for.
   */
  afterReconnect?: boolean;
  count?: number;
  guarantee?: string;
  name?: string;
}): Check {
  const flags = [want.dup !== undefined ? `DUP ${want.dup ? 1 : 0}` : "", want.qos !== undefined ? `QoS ${want.qos}` : "", want.retain !== undefined ? `RETAIN ${want.retain ? 1 : 0}` : "", want.afterReconnect ? "after a reconnect" : ""].filter(Boolean).join(", ");
  return {
    name: want.name ?? brokerReceivedChecker.name,
    guarantee: want.guarantee ?? `the device sends ${want.topic}${flags ? ` with ${flags}` : ""}`,
    judge(events, ctx) {
      const id = ctx.client.client_id;
      const tap = tapped(events);
      const logsPackets = tap || events.some((e) => isBroker(e, "log") && typeof e.line === "string" && /: (Sending|Received) [A-Z]+ (to|from) /.test(e.line));
      if (!logsPackets) return { verdict: "unknown", summary: "neither a wire tap nor the broker's log shows packets: the wire cannot be judged", evidence: [] };
      const all: { t: number; dup: boolean; qos: number; retain: boolean; mid: number; bytes: number; conn?: number }[] = [];
      for (const e of events) {
        if (tap) {
          if (isWirePacket(e) && e.dir === "up" && e.cmd === "publish" && e.topic === want.topic)
            all.push({ t: e.t, dup: e.dup === true, qos: Number(e.qos ?? 0), retain: e.retain === true, mid: Number(e.messageId ?? 0), bytes: Number(e.payloadBytes ?? 0), conn: Number(e.conn) });
          continue;
        }
        if (!isBroker(e, "log") || typeof e.line !== "string") continue;
        const m = RECEIVED_PUBLISH.exec(e.line);
        if (m && m[1] === id && m[6] === want.topic) all.push({ t: e.t, dup: m[2] === "1", qos: Number(m[3]), retain: m[4] === "1", mid: Number(m[5]), bytes: Number(m[7]) });
      }
      const firstOp = events.find((e) => isDeviceOp(e, "publish") && e.topic === want.topic);
      const firstConn = all[0]?.conn;
      const reconnected = (w: (typeof all)[number]): boolean =>
        tap ? firstConn !== undefined && w.conn !== undefined && w.conn > firstConn : events.some((e) => isDeviceUp(e) && e.t > (firstOp?.t ?? Infinity) && e.t < w.t);
      const diff = (w: (typeof all)[number]): string[] => {
        const d: string[] = [];
        if (want.afterReconnect && !reconnected(w)) d.push("not after a reconnect");
        if (want.dup !== undefined && w.dup !== want.dup) d.push(`DUP ${w.dup ? 1 : 0} ≠ ${want.dup ? 1 : 0}`);
        if (want.qos !== undefined && w.qos !== want.qos) d.push(`QoS ${w.qos} ≠ ${want.qos}`);
        if (want.retain !== undefined && w.retain !== want.retain) d.push(`RETAIN ${w.retain ? 1 : 0} ≠ ${want.retain ? 1 : 0}`);
        return d;
      };
      const text = (w: (typeof all)[number]) => `${at(w.t)} PUBLISH from ${id} (DUP ${w.dup ? 1 : 0}, QoS ${w.qos}, RETAIN ${w.retain ? 1 : 0}, mid ${w.mid}) ${w.bytes} bytes${w.conn !== undefined ? ` on connection ${w.conn}` : ""}`;
      const good = all.filter((w) => diff(w).length === 0);
      const ok = want.count === undefined ? good.length > 0 : good.length === want.count;
      const what = `PUBLISH ${want.topic}${flags ? ` (${flags})` : ""} from ${id}`;
      if (ok) return { verdict: "pass", summary: `${what}: ${good.length} on the wire as wanted`, evidence: good.slice(0, 3).map((w) => ({ t: w.t, text: text(w) })) };
      const evidence: Evidence[] = all.length ? all.map((w) => ({ t: w.t, text: `${text(w)}${diff(w).length ? ` — ${diff(w).join("; ")}` : " — matches"}` })) : [{ text: `the broker's log shows no PUBLISH from ${id} on ${want.topic}` }];
      return { verdict: "fail", summary: all.length ? `${what}: ${all.length} on the wire, ${good.length} as wanted` : `${what}: never on the wire`, evidence: firstN(evidence) };
    },
  };
}
