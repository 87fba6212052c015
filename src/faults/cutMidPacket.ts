import { defineFault, type Fault, type FaultTargets } from "./fault.ts";
import { requireNumber, toxicFault, type Stream } from "./toxics.ts";

export interface CutMidPacketParams {
  /**
   * Bytes that still pass on each connection before it is cut, counted from the moment the
   * fault is injected for a connection that is open then, and from its start for a new one.
   * Pick it inside the packet you want cut: with a 200-byte PUBLISH next, 50 cuts it after its
   * header and part of its payload.
   */
  bytes: number;
  /** The half that is cut: "upstream" (device → broker, default) or "downstream" (broker → device). */
  direction?: Stream;
}

export const cutMidPacketFault = defineFault({
  name: "cutMidPacket",
  help: "the connection dies inside a packet",
  how: "`limit_data` toxic (`bytes`)",
  example: { bytes: 100 },
  make: cutMidPacket,
});

/**
 * Cut mid-packet: the connection dies inside an MQTT packet — the link drops while a large
 * PUBLISH is on its way, a middlebox kills the flow after some volume. The receiver holds a
 * packet's first bytes and then sees the connection end (FIN); the sender may believe it has
 * written the whole packet. Neither side may treat the fragment as a message.
 *
 * The lab adds a Toxiproxy `limit_data` toxic (bytes) to one half: after that many bytes it
 * passes no more and closes the connection (FIN to both ends). It stays in place until healed,
 * so every reconnect is cut too after the same number of bytes.
 */
export function cutMidPacket(targets: FaultTargets, params: CutMidPacketParams): Fault {
  const bytes = requireNumber("cutMidPacket", "bytes", params.bytes, (v) => Number.isInteger(v) && v >= 1, "a whole number of bytes ≥ 1");
  const direction = params.direction ?? "upstream";
  return toxicFault(targets.link, "cutMidPacket", { bytes, direction }, [{ type: "limit_data", stream: direction, attributes: { bytes } }]);
}
