import { at, type TimelineEvent } from "../timeline/event.ts";
import type { Check } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { isDevice, isDeviceDown, isLab } from "../timeline/is.ts";

export const serverDisconnectedChecker = defineChecker({
  name: "serverDisconnected",
  group: "compliance",
  guarantee: "MQTT 5 §3.14: the server's DISCONNECT and its reason code (0x8E Session taken over, 0x95 Packet too large …) reach the application; a client that only noticed a closed socket fails",
  bound: "—",
  factory: serverDisconnected,
  example: () => serverDisconnected({ reason: 0x8e }),
});

/**
 * MQTT 5 §3.14: the Server sent the device a DISCONNECT with this reason code (0x8E Session
 * taken over, 0x95 Packet too large …), and the client told the application (the agent's
 * `disconnected` event with the reason). A client that only noticed a closed socket fails:
 * the reason is what the application needs to act on.
 */
export function serverDisconnected(p: { reason: number; guarantee?: string; name?: string }): Check {
  const hex = `0x${p.reason.toString(16).toUpperCase().padStart(2, "0")}`;
  return {
    name: p.name ?? serverDisconnectedChecker.name,
    guarantee: p.guarantee ?? `MQTT 5 §3.14.2.1: the client reports the server's DISCONNECT with reason ${hex}`,
    judge(events) {
      // Until the lab stops the device: its own stop is no disconnection.
      const stopping = events.find((e) => isLab(e, "device.stopping"))?.t ?? Infinity;
      const dis = events.filter((e: TimelineEvent) => isDevice(e, "disconnected") && e.t < stopping);
      const downs = events.filter((e: TimelineEvent) => isDeviceDown(e) && e.t < stopping);
      const ev = firstN([
        ...dis.map((e) => ({ t: e.t, text: `device reported DISCONNECT reason ${typeof e.reason === "number" ? `0x${e.reason.toString(16)}` : String(e.reason)}${e.props ? ` props ${JSON.stringify(e.props)}` : ""} at ${at(e.t)}` })),
        ...downs.map((e) => ({ t: e.t, text: `device down at ${at(e.t)}` })),
      ]);
      const hit = dis.find((e) => e.reason === p.reason);
      if (hit) return { verdict: "pass", summary: `the client reported the server's DISCONNECT ${hex}`, evidence: ev };
      if (dis.length) return { verdict: "fail", summary: `the client reported DISCONNECT with reason ${dis.map((e) => String(e.reason)).join(", ")}, wanted ${hex}`, evidence: ev };
      return {
        verdict: "fail",
        summary: downs.length ? `the client went down but reported no DISCONNECT from the server (wanted ${hex})` : `the client reported no DISCONNECT from the server (wanted ${hex})`,
        evidence: ev,
      };
    },
  };
}
