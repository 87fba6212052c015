import { defineFault, type Fault, type FaultTargets } from "./fault.ts";
import { packetFault, type PacketParams } from "./packets.ts";

export const packetDuplicateFault = defineFault({
  name: "packetDuplicate",
  help: "the next N packets of one MQTT type, one way, arrive twice",
  how: "the wire tap's packet stage writes each of them twice, back to back, byte for byte",
  example: { packet: "publish", direction: "down", count: 1 },
  make: packetDuplicate,
});

/**
 * Packet duplicate: a packet arrives twice, the same bytes (same packet id, DUP as it was) —
 * what a receiver sees when a sender resends a QoS 1 PUBLISH whose PUBACK it missed. A QoS 1
 * receiver may deliver it twice and must acknowledge each copy (MQTT §4.3.2).
 */
export function packetDuplicate(targets: FaultTargets, params: PacketParams): Fault {
  return packetFault(targets, "packetDuplicate", "duplicate", params);
}
