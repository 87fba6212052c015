import { bandwidth } from "../../src/faults/bandwidth.ts";
import { degradedLink } from "./_templates.ts";

/** A weak ESP8266 link at the edge of range: its lowest rates, a few KB/s. 2 KB/s each way. */
const RATE_KBPS = 2;

/**
 * A weak ESP8266 link (2 KB/s each way) for three keepalives. The observer sends the device a
 * numbered QoS 1 stream of 1 KB messages once a second (half the link's capacity, so the load
 * fits but every message takes half a second to cross and PUBACKs and PINGRESPs queue behind
 * them); the device publishes its own small numbered stream. The link is slow, not dead: the
 * client's publishes must keep completing within its own response time (a PUBACK may wait
 * behind one 1 KB message, 0.5 s), nothing acknowledged may be lost or reordered, and big
 * messages must arrive whole.
 */
export default degradedLink({
  id: "bandwidth",
  title: "Weak ESP8266 link (2 KB/s) for 3 keepalives with 1 KB messages down and a QoS 1 stream up",
  faults: ["bandwidth"],
  // Downstream messages of 1 KB once a second: half the link, each one 0.5 s on the wire.
  downstream: { qos: 1, everyMs: 1000, bytes: 1000 },
  fault: ({ targets }) => bandwidth(targets, { rateKBps: RATE_KBPS }),
  during: { acks: 2, what: "on the weak link", stretch: "weak" },
  back: "client is up after the link recovers",
});
