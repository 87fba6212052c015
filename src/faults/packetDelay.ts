import { defineFault, type Fault, type FaultTargets } from "./fault.ts";
import { requireNumber } from "./toxics.ts";
import { packetFault, type PacketParams } from "./packets.ts";

export interface PacketDelayParams extends PacketParams {
  /** How late each packet arrives, ms. */
  delayMs: number;
}

export const packetDelayFault = defineFault({
  name: "packetDelay",
  help: "the next N packets of one MQTT type, one way, arrive late; what follows them waits behind",
  how: "the wire tap's packet stage holds each for `delayMs`, stalling its direction of that connection (TCP keeps order)",
  example: { packet: "connack", direction: "down", delayMs: 4000 },
  make: packetDelay,
});

/**
 * Packet delay: one kind of packet comes late — a CONNACK after the client's response time,
 * a PUBACK from a broker that is slow to answer. Order is kept: what follows it on its
 * connection waits behind it, as behind a slow peer. A delayed packet whose connection ends
 * before its time is gone with it (recorded `discarded`).
 */
export function packetDelay(targets: FaultTargets, params: PacketDelayParams): Fault {
  const delayMs = requireNumber("packetDelay", "delayMs", params.delayMs, (v) => Number.isFinite(v) && v >= 0, "milliseconds ≥ 0");
  return packetFault(targets, "packetDelay", "delay", params, { delayMs });
}
