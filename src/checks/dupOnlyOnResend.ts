import { at } from "../timeline/event.ts";
import { defineChecker, firstN, type Check, type Evidence } from "./check.ts";
import { NOT_EXERCISED, describePublish, messageKey, wireConnections } from "./promises.ts";

export const dupOnlyOnResendChecker = defineChecker({
  name: "dupOnlyOnResend",
  group: "resilience",
  everyRun: true,
  guarantee:
    "the client sets DUP only on a resend (MQTT §3.3.1.1, MQTT-3.3.1-1/-2): a PUBLISH with DUP 1 carries a QoS ≥ 1 and a packet id the client already sent with the same topic and payload and has not yet seen acknowledged, on this connection or an earlier one",
  bound: "— (exact: the device's PUBLISHes and the PUBACKs it received, from the wire tap)",
  factory: dupOnlyOnResend,
});

/**
 * MQTT §3.3.1.1: DUP 1 says "this may be a re-delivery of an earlier attempt". A first send
 * with DUP 1 makes a receiver treat a new message as a possible duplicate; DUP on QoS 0 is a
 * protocol violation. An earlier attempt counts from any earlier connection (a resend after a
 * reconnect), as long as no PUBACK for it came since.
 */
export function dupOnlyOnResend(): Check {
  return {
    name: dupOnlyOnResendChecker.name,
    guarantee: dupOnlyOnResendChecker.guarantee,
    judge(events) {
      /** packet id → what was sent with it, still unacknowledged. */
      const open = new Map<number, string>();
      const bad: Evidence[] = [];
      let dups = 0;
      for (const c of wireConnections(events)) {
        for (const p of c.packets) {
          if (p.dir === "down" && p.cmd === "puback" && p.messageId !== undefined) open.delete(p.messageId);
          if (p.dir !== "up" || p.cmd !== "publish") continue;
          if (p.dup) {
            dups++;
            if (!p.qos) bad.push({ t: p.t, charged: "client", text: `${describePublish(p)} at ${at(p.t)} on connection ${c.conn}: DUP 1 on a QoS 0 PUBLISH (MQTT-3.3.1-2)` });
            else if (p.messageId === undefined || open.get(p.messageId) !== messageKey(p))
              bad.push({
                t: p.t,
                charged: "client",
                text: `${describePublish(p)} at ${at(p.t)} on connection ${c.conn}: DUP 1, but ${open.has(p.messageId ?? -1) ? `id ${p.messageId} was last sent with another message` : `id ${p.messageId} was not sent before, or was already acknowledged`} — not a resend (MQTT-3.3.1-1)`,
              });
          }
          if (p.qos && p.messageId !== undefined) open.set(p.messageId, messageKey(p));
        }
      }
      if (bad.length) return { verdict: "fail", summary: `${bad.length} PUBLISH(es) with DUP 1 that are not resends`, evidence: firstN(bad) };
      if (dups === 0) return { verdict: "pass", summary: `${NOT_EXERCISED}the client sent no PUBLISH with DUP 1 (and none without cause)`, evidence: [] };
      return { verdict: "pass", summary: `${dups} PUBLISH(es) with DUP 1, each a resend of an unacknowledged one`, evidence: [] };
    },
  };
}
