import { at } from "../timeline/event.ts";
import type { WirePacket } from "../timeline/events.ts";
import { defineChecker, firstN, type Check, type Evidence } from "./check.ts";
import { NOT_EXERCISED, describePublish, messageKey, wireConnections } from "./promises.ts";

export const packetIdsFreeChecker = defineChecker({
  name: "packetIdsFree",
  group: "resilience",
  everyRun: true,
  guarantee:
    "the client never reuses a packet id it still has in flight (MQTT §2.3.1, MQTT-2.3.1-2): a new PUBLISH (QoS ≥ 1), SUBSCRIBE or UNSUBSCRIBE takes an id whose PUBACK, SUBACK or UNSUBACK has come — on its connection, and from an earlier one when the broker kept the session; resending the same PUBLISH with its id is not a reuse",
  bound: "— (exact: the device's packets and the acknowledgements it received, from the wire tap)",
  factory: packetIdsFree,
});

const ACK_OF: Record<string, string> = { publish: "puback", subscribe: "suback", unsubscribe: "unsuback" };

function what(p: WirePacket): string {
  return p.cmd === "publish" ? describePublish(p) : p.cmd.toUpperCase();
}

/**
 * MQTT §2.3.1: a packet id is in use from the packet that takes it to its acknowledgement,
 * and the client must not give it to another packet meanwhile — the broker would take the new
 * one for the old (a SUBSCRIBE's SUBACK answers a PUBLISH's wait, a message is dropped as a
 * duplicate). In flight across a reconnect only when the broker said it kept the session.
 */
export function packetIdsFree(): Check {
  return {
    name: packetIdsFreeChecker.name,
    guarantee: packetIdsFreeChecker.guarantee,
    judge(events) {
      const bad: Evidence[] = [];
      let taken = 0;
      let inFlight = new Map<number, WirePacket>();
      for (const c of wireConnections(events)) {
        const connack = c.packets.find((p) => p.dir === "down" && p.cmd === "connack");
        // A new session forgets what was in flight; a kept one keeps the ids in use.
        if (!connack?.sessionPresent) inFlight = new Map();
        for (const p of c.packets) {
          if (p.dir === "down" && p.messageId !== undefined) {
            const held = inFlight.get(p.messageId);
            if (held && ACK_OF[held.cmd] === p.cmd) inFlight.delete(p.messageId);
            continue;
          }
          if (p.dir !== "up" || !(p.cmd in ACK_OF) || p.messageId === undefined || (p.cmd === "publish" && !p.qos)) continue;
          const held = inFlight.get(p.messageId);
          if (held && !(p.cmd === "publish" && held.cmd === "publish" && messageKey(held) === messageKey(p))) {
            bad.push({
              t: p.t,
              charged: "client",
              text: `${p.cmd.toUpperCase()} at ${at(p.t)} on connection ${c.conn} takes id ${p.messageId}, still in flight since ${at(held.t)} (${what(held)}, no ${ACK_OF[held.cmd]!.toUpperCase()} yet)`,
            });
          }
          if (!held) taken++;
          inFlight.set(p.messageId, p);
        }
      }
      if (bad.length) return { verdict: "fail", summary: `${bad.length} packet id(s) reused while still in flight`, evidence: firstN(bad) };
      if (taken === 0) return { verdict: "pass", summary: `${NOT_EXERCISED}the client sent no packet that takes a packet id`, evidence: [] };
      return { verdict: "pass", summary: `${taken} packet id(s) taken, none while still in flight`, evidence: [] };
    },
  };
}
