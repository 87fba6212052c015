import { defineFault, type Fault, type FaultTargets } from "./fault.ts";
import { packetFault, type PacketParams } from "./packets.ts";

export const packetDropFault = defineFault({
  name: "packetDrop",
  help: "the next N packets of one MQTT type, one way, are lost while everything else passes",
  how: "the wire tap's packet stage takes them out of the stream at their packet boundary",
  example: { packet: "puback", direction: "down", count: 1 },
  make: packetDrop,
});

/**
 * Packet drop: one kind of MQTT packet goes missing — a PUBACK, a SUBACK, a PINGRESP — while
 * the connection and every other packet are fine: what a client's resend after its response
 * time, its republish limit and its keepalive are for, and what no fault below MQTT can do.
 * The count runs across reconnects; "all" drops every such packet until the heal.
 */
export function packetDrop(targets: FaultTargets, params: PacketParams): Fault {
  return packetFault(targets, "packetDrop", "drop", params);
}
