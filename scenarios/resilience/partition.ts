import { partition } from "../../src/faults/partition.ts";
import { outage } from "./_templates.ts";

/**
 * A partition upstream of the access point for 3 × keepalive: the WLAN stays associated and
 * says up, but the broker is unreachable and every byte vanishes silently (no FIN, RST or
 * ICMP); reconnect attempts reach nothing that answers. The device publishes a numbered QoS 1
 * stream and receives one from the observer; with clean=true it must notice from its own
 * timers, keep retrying, come back after the heal, subscribe again, and lose nothing it was
 * told was acknowledged.
 */
export default outage({
  id: "partition",
  title: "Broker unreachable with the WLAN up (silent partition) for 3 × keepalive while the device publishes and receives QoS 1",
  faults: ["partition"],
  fault: ({ targets }) => partition(targets),
});
