import { at, type TimelineEvent } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { tapped } from "./wire.ts";
import { isBroker, isDevice, isDeviceOp, isDeviceUp, isWirePacket } from "../timeline/is.ts";

export const connackReceivedChecker = defineChecker({
  name: "connackReceived",
  group: "compliance",
  guarantee: "MQTT 3.1.1 §3.2.2: the device's nth connection (default the last) came up with the Session Present flag and return code the spec requires — the client's own word, checked against the CONNACK on the wire (wire tap, else the broker's log); a connection that never came up fails",
  bound: "—",
  factory: connackReceived,
  example: () => connackReceived({}),
});

/**
 * The device's nth connection (1 = first; default the last) came up with the CONNACK the spec
 * requires: Session Present and return code. The client's own word when its adapter reports
 * it (`up` with session_present / reason), else the wire's: the CONNACK that reached the device
 * between the previous `up` and this one — from the lab's wire tap on the device's socket when
 * the run has one, else from the broker's log for the device's client id (`broker connack`
 * events; mosquitto logs them). A client that reports a Session Present other than the one the
 * broker sent misreports it (fail). A connection that never came up fails, with the broker's
 * answers and the client's complaints as evidence: a client that rejects a correct CONNACK
 * (mqtt_as and Session Present 1) has not got the feature.
 */
export function connackReceived(p: { nth?: number; sessionPresent?: boolean; reason?: number; guarantee?: string; name?: string }): Check {
  return {
    name: p.name ?? connackReceivedChecker.name,
    guarantee: p.guarantee ?? "the device's connection gets the CONNACK the spec requires (MQTT 3.1.1 §3.2.2)",
    judge(events, ctx) {
      const id = ctx.client.client_id;
      const upIdx: number[] = [];
      events.forEach((e, i) => {
        if (isDeviceUp(e)) upIdx.push(i);
      });
      const n = p.nth ?? upIdx.length;
      const which = p.nth ? `connection ${p.nth}` : "the last connection";
      // The witness of what the broker answered: the wire tap's CONNACK, else the broker's log.
      const tap = tapped(events);
      const isBrokerConnack = (e: TimelineEvent) =>
        tap ? isWirePacket(e) && e.dir === "down" && e.cmd === "connack" : isBroker(e, "connack") && e.client === id;
      const spOf = (e: TimelineEvent) => (typeof e.sessionPresent === "boolean" ? e.sessionPresent : undefined);
      const rcOf = (e: TimelineEvent) => (typeof e.reason === "number" ? e.reason : typeof e.returnCode === "number" ? e.returnCode : typeof e.reasonCode === "number" ? e.reasonCode : undefined);
      const source = tap ? "the wire" : "the broker's log";
      const i = upIdx[n - 1];
      if (i === undefined) {
        const from = upIdx[n - 2] ?? -1;
        const after = events.slice(from + 1);
        const evidence: Evidence[] = [];
        for (const e of after) {
          if (isBrokerConnack(e)) evidence.push({ t: e.t, text: `the broker sent CONNACK (Session Present ${spOf(e) ? 1 : 0}, return code ${String(rcOf(e))})` });
          if (isDevice(e, "ack") && e.ok === false) {
            const op = events.find((o) => isDeviceOp(o) && o.id === e.id && o.device === e.device);
            if (op?.op === "start") evidence.push({ t: e.t, text: `the client's connect failed: ${String(e.err ?? "")}` });
          }
          if (isDevice(e, "error") || (isDevice(e, "log") && /error|fail/i.test(String(e.line)))) evidence.push({ t: e.t, text: `client: ${String(e.msg ?? e.line)}` });
        }
        return { verdict: "fail", summary: `the device's ${which} never came up (${upIdx.length} connection(s))`, evidence: firstN(evidence) };
      }
      const e = events[i]!;
      const prev = upIdx[n - 2] ?? -1;
      let broker: TimelineEvent | undefined;
      for (let k = prev + 1; k < i; k++) if (isBrokerConnack(events[k]!)) broker = events[k];
      // The broker logs its CONNACK as it sends it; the client's `up` may be recorded a moment
      // before the host reads that log line.
      if (!broker) broker = events.slice(i + 1).find((x) => isBrokerConnack(x) && !(x.t - e.t > 1000));
      const clientSp = typeof e.session_present === "boolean" ? e.session_present : undefined;
      const brokerSp = broker ? spOf(broker) : undefined;
      const sp = clientSp ?? brokerSp;
      const clientRc = typeof e.reason === "number" ? e.reason : undefined;
      const brokerRc = broker ? rcOf(broker) : undefined;
      const rc = clientRc ?? brokerRc;
      const evidence: Evidence[] = [
        {
          t: e.t,
          text: `client up at ${at(e.t)}: ${clientSp === undefined ? "Session Present not reported by the client" : `Session Present ${clientSp ? 1 : 0}`}${clientRc !== undefined ? `, return code ${clientRc}` : ""}`,
        },
      ];
      if (broker) evidence.push({ t: broker.t, text: `${source}: CONNACK to ${id} (Session Present ${brokerSp ? 1 : 0}, return code ${String(brokerRc)})` });
      const d: string[] = [];
      if (clientSp !== undefined && brokerSp !== undefined && clientSp !== brokerSp) d.push(`the client reports Session Present ${clientSp ? 1 : 0} but the broker sent ${brokerSp ? 1 : 0}`);
      if (p.sessionPresent !== undefined && sp !== undefined && sp !== p.sessionPresent) d.push(`Session Present ${sp ? 1 : 0}, wanted ${p.sessionPresent ? 1 : 0}`);
      if (p.reason !== undefined && rc !== undefined && rc !== p.reason) d.push(`return code ${rc}, wanted ${p.reason}`);
      if (d.length) return { verdict: "fail", summary: `the device's CONNACK of ${which}: ${d.join("; ")}`, evidence };
      const missing: string[] = [];
      if (p.sessionPresent !== undefined && sp === undefined) missing.push("Session Present");
      if (p.reason !== undefined && rc === undefined) missing.push("the return code");
      if (missing.length) return { verdict: "unknown", summary: `neither the client nor ${source} says ${missing.join(" or ")} of ${which}`, evidence };
      const said = [p.sessionPresent !== undefined ? `Session Present ${p.sessionPresent ? 1 : 0}` : "", p.reason !== undefined ? `return code ${p.reason}` : ""].filter(Boolean).join(", ");
      return { verdict: "pass", summary: `the device's ${which} came up${said ? ` with ${said}` : ""}${clientSp === undefined && p.sessionPresent !== undefined ? ` (${source})` : ""}`, evidence };
    },
  };
}
