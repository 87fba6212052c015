import { defineFault, type Fault, type FaultTargets } from "./fault.ts";
import { packetFault, type PacketParams } from "./packets.ts";

export const packetHoldFault = defineFault({
  name: "packetHold",
  help: "the next N packets of one MQTT type, one way, are held until the heal; what follows them waits behind",
  how: "the wire tap's packet stage keeps them and releases them at the heal on connections still open; on a connection that ended they are dropped",
  example: { packet: "connack", direction: "down", count: 1 },
  make: packetHold,
});

/**
 * Packet hold: one kind of packet is held back for as long as the fault lasts — a CONNACK
 * that never comes while the client waits, then comes late. At the heal the held packets go
 * on, in order, on the connections they came on, if those are still open; a held packet whose
 * connection the client (or broker) gave up is dropped with it (recorded `discarded`): TCP
 * delivers nothing on a closed connection, and handing it to a newer one would be a packet no
 * broker sent there. What follows a held packet on its connection waits behind it.
 */
export function packetHold(targets: FaultTargets, params: PacketParams): Fault {
  return packetFault(targets, "packetHold", "hold", params);
}
