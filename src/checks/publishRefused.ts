import { at, type TimelineEvent } from "../timeline/event.ts";
import type { Check } from "./check.ts";
import { defineChecker } from "./check.ts";
import { isAckOf, isDevice, isDeviceOp, isLab } from "../timeline/is.ts";

const hex = (n: number) => `0x${n.toString(16).padStart(2, "0")}`;

export const publishRefusedChecker = defineChecker({
  name: "publishRefused",
  group: "compliance",
  guarantee: "a device publish the broker must not take is refused and the application told: a PUBACK reason ≥ 0x80, a server DISCONNECT with one, or, where MQTT 5 §4.13 allows it, the connection closed; a client that refuses it itself passes when the scenario allows",
  bound: "—",
  factory: publishRefused,
  example: () => publishRefused({ topic: "t", reasons: [0x97] }),
});

/**
 * A device publish the broker must not take was refused, and the application was told: its
 * PUBACK carried one of `reasons` (≥ 0x80), or the server sent DISCONNECT with one of them, or —
 * when `closeAllowed` (MQTT 5 §4.13: on a protocol error the server MAY send DISCONNECT before
 * closing) — the connection was closed after it. With `localRefusal` a client that refused the
 * publish itself (it knows the limit) passes too. Whether the message still got through is
 * notDelivered's to judge.
 */
export function publishRefused(p: { topic: string; reasons: number[]; closeAllowed?: boolean; localRefusal?: boolean; guarantee?: string; name?: string }): Check {
  const codes = p.reasons.map(hex).join("/");
  return {
    name: p.name ?? publishRefusedChecker.name,
    guarantee: p.guarantee ?? `the broker refuses the device's publish on ${p.topic} (${codes}) and the client reports it`,
    judge(events) {
      const op = events.findLast((e: TimelineEvent) => isDeviceOp(e, "publish") && e.topic === p.topic);
      if (!op) return { verdict: "unknown", summary: `no publish on ${p.topic} was issued`, evidence: [] };
      // Until the lab stops the device: its own stop is no refusal.
      const stopping = events.find((e) => isLab(e, "device.stopping"))?.t ?? Infinity;
      const after = events.filter((e) => e.t >= op.t && (e.t < stopping || (e.kind === "ack" && e.id === op.id)));
      const ack = after.find((e) => isAckOf(e, op));
      const dis = after.find((e) => isDevice(e, "disconnected"));
      const down = after.find((e) => isDevice(e, "down", "exit"));
      const seen: { t: number; text: string }[] = [{ t: op.t, text: `publish ${p.topic} issued at ${at(op.t)}` }];
      if (ack) seen.push({ t: ack.t, text: `answered at ${at(ack.t)}: ok ${String(ack.ok)}${ack.err ? ` (${String(ack.err)})` : ""}${typeof ack.reason === "number" ? `, reason ${hex(ack.reason)}` : ""}` });
      if (dis) seen.push({ t: dis.t, text: `server DISCONNECT reason ${typeof dis.reason === "number" ? hex(dis.reason) : String(dis.reason)} at ${at(dis.t)}` });
      if (down) seen.push({ t: down.t, text: `device ${down.kind} at ${at(down.t)}` });
      if (dis && typeof dis.reason === "number") {
        if (p.reasons.includes(dis.reason)) return { verdict: "pass", summary: `the server disconnected the device with ${hex(dis.reason)} and the client reported it`, evidence: seen };
        return { verdict: "fail", summary: `the server's DISCONNECT carried ${hex(dis.reason)}, wanted ${codes}`, evidence: seen };
      }
      if (ack && ack.ok === false && typeof ack.reason === "number") {
        if (p.reasons.includes(ack.reason)) return { verdict: "pass", summary: `the publish was refused with ${hex(ack.reason)}`, evidence: seen };
        return { verdict: "fail", summary: `the publish was refused with ${hex(ack.reason)}, wanted ${codes}`, evidence: seen };
      }
      if (ack && ack.ok === true) return { verdict: "fail", summary: `the client reported the publish accepted${typeof ack.reason === "number" ? ` (${hex(ack.reason)})` : ""}, wanted a refusal ${codes}`, evidence: seen };
      if (down && p.closeAllowed) return { verdict: "pass", summary: `the connection was closed after the publish (a DISCONNECT is optional here)`, evidence: seen };
      if (ack && ack.ok === false && p.localRefusal) return { verdict: "pass", summary: `the client refused the publish itself: ${String(ack.err ?? "")}`, evidence: seen };
      if (ack && ack.ok === false) return { verdict: "fail", summary: `the publish failed without a reason code (${String(ack.err ?? "")}), wanted ${codes}`, evidence: seen };
      return { verdict: "fail", summary: `the publish on ${p.topic} was never answered and the connection stayed up`, evidence: seen };
    },
  };
}
