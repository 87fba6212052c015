import type { TimelineEvent } from "../timeline/event.ts";
import { isBroker, isWirePacket } from "../timeline/is.ts";

/**
 * What the client sent, packet by packet, from the best witness the run has: the lab's wire
 * tap on the device's socket (every broker), else the broker's own log where it logs packets
 * (mosquitto's "Received PINGREQ from <id>"). Undefined when neither saw packets.
 */
export function sentByClient(events: readonly TimelineEvent[], clientId: string): { t: number; cmd: string }[] | undefined {
  if (events.some(isWirePacket)) {
    return events.filter((e) => isWirePacket(e) && e.dir === "up").map((e) => ({ t: e.t, cmd: String(e.cmd).toUpperCase() }));
  }
  const RECEIVED = /^\d+: Received ([A-Z]+) from (\S+)/;
  const logs = events.filter((e) => isBroker(e, "log") && typeof e.line === "string" && RECEIVED.test(e.line));
  if (!logs.length) return undefined;
  return logs
    .map((e) => RECEIVED.exec(String(e.line))!)
    .map((m, i) => ({ m, e: logs[i]! }))
    .filter(({ m }) => m[2] === clientId)
    .map(({ m, e }) => ({ t: e.t, cmd: m[1]! }));
}

/** Whether the run has the wire tap's record. */
export function tapped(events: readonly TimelineEvent[]): boolean {
  return events.some(isWirePacket);
}
