import { slicer } from "../../src/faults/slicer.ts";
import { degradedLink } from "./_templates.ts";

/**
 * Pieces of 1–5 bytes (3 ± 2), 2 ms apart: a fixed header, its remaining-length bytes and the
 * payload each come in several reads. A 40-byte PUBLISH takes about 30 ms to cross.
 */
const SLICES = { averageSizeBytes: 3, sizeVariationBytes: 2, delayUs: 2000 };

/**
 * Fragmentation: every MQTT packet either way arrives in pieces of a few bytes, for three
 * keepalives (so PINGREQ/PINGRESP are sliced too), while the device publishes and receives
 * QoS 1 streams. A client that reads exactly what it needs does not notice; one that assumes
 * one read is one packet misparses, errs or hangs. Nothing is lost on the wire, so publishes
 * must keep completing within the client's response time (slow by some tens of ms only), and
 * every message must arrive whole, once, in order.
 */
export default degradedLink({
  id: "slicer",
  title: "MQTT packets sliced into 1–5 byte pieces both ways for 3 keepalives while publishing and receiving QoS 1",
  faults: ["slicer"],
  fault: ({ targets }) => slicer(targets, SLICES),
  during: { acks: 3, what: "while packets are sliced", stretch: "sliced" },
  back: "client is up after the heal",
});
