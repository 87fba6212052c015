import type { Fault, FaultTargets } from "./fault.ts";
import { requireNumber } from "./toxics.ts";
import { LabError } from "../lab/errors.ts";
import { isPacketName, type ArmedRule, type PacketAction, type PacketDir, type PacketName } from "../lab/packetStage.ts";
import { isFault } from "../timeline/is.ts";

/** What every packet fault takes: which packets, which way, how many. */
export interface PacketParams {
  /** The packet type, as mqtt-packet names it: "puback", "suback", "unsuback", "pingresp", "connack", "publish"… */
  packet: PacketName;
  /** "up": device → broker; "down": broker → device. */
  direction: PacketDir;
  /** How many of the next such packets it takes (default 1), across reconnects; "all": every one until healed. */
  count?: number | "all";
}

/**
 * The outline the packet faults share (packetDrop, packetDelay, packetDuplicate, packetHold):
 * check the parameters, arm a rule on the wire tap's packet stage at inject, disarm it at heal,
 * and record every packet it touches as it touches it — a `fault packet` event with the
 * injection's id, the packet's type, direction, connection and packet id.
 */
export function packetFault(targets: FaultTargets, kind: string, action: PacketAction, params: PacketParams, extra: { delayMs?: number } = {}): Fault {
  if (!isPacketName(params.packet)) throw new LabError(`${kind}: packet must be an MQTT packet type such as "puback" or "pingresp" (got ${JSON.stringify(params.packet)})`);
  if (params.direction !== "up" && params.direction !== "down") throw new LabError(`${kind}: direction must be "up" (device → broker) or "down" (got ${JSON.stringify(params.direction)})`);
  const count = params.count === "all" ? Infinity : requireNumber(kind, "count", params.count ?? 1, (v) => Number.isInteger(v) && v >= 1, 'a whole number ≥ 1, or "all"');
  const { lab, packets } = targets;
  let rule: ArmedRule | undefined;
  return {
    kind,
    params: { packet: params.packet, direction: params.direction, count: params.count ?? 1, ...extra },
    async inject() {
      if (!packets) throw new LabError(`${kind} needs the wire tap on the device's link, and this run has none (a TLS run: the tap cannot read the packets)`);
      // The nemesis recorded this injection's start just now: its id ties each touched packet to it.
      const id = String(lab.timeline.last((e) => isFault(e, "start") && e.fault === kind)?.id ?? kind);
      rule = packets.arm({
        cmd: params.packet,
        dir: params.direction,
        count,
        action,
        ...(extra.delayMs !== undefined ? { delayMs: extra.delayMs } : {}),
        onTouch: (t) => lab.timeline.record("fault", "packet", { id, fault: kind, ...t }),
      });
    },
    async heal() {
      rule?.disarm();
    },
  };
}
