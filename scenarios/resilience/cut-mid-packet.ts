import { cutMidPacket } from "../../src/faults/cutMidPacket.ts";
import { repeatedCut } from "./_templates.ts";

/**
 * Bytes that pass upstream before each connection is cut, drawn from --seed: 20–90 covers a
 * cut inside the CONNECT (about 30–45 bytes with this run's client id), inside the SUBSCRIBE
 * after it, or inside a ~40-byte PUBLISH of the stream on the connection that is open.
 */
const MIN_BYTES = 20;
const MAX_BYTES = 90;

/**
 * Cut mid-packet: the device → broker half of the connection passes a seeded number of bytes
 * and then closes (FIN), inside an MQTT packet; while the fault lasts every reconnect is cut
 * the same way. Held for two of the client's reconnect cycles, so it meets the cut on a
 * reconnect too. A publish whose bytes were cut must not count as acknowledged, the client
 * must notice each cut, keep yielding while it retries, and come back after the heal.
 */
export default repeatedCut({
  id: "cut-mid-packet",
  title: "Device → broker connection cut inside an MQTT packet (seeded byte count), on every reconnect, for 2 reconnect cycles",
  faults: ["cutMidPacket"],
  cut: ({ targets, random }) => cutMidPacket(targets, { bytes: random.int(MIN_BYTES, MAX_BYTES) }),
  back: "client reconnects after the cuts stop",
});
