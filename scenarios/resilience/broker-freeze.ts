import { brokerFreeze } from "../../src/faults/brokerFreeze.ts";
import { outage } from "./_templates.ts";

/**
 * The broker host hangs: SIGSTOP to the broker for 3 × keepalive, then SIGCONT. Its sockets stay
 * open and the kernel still ACKs bytes, but no CONNACK, PUBACK or PINGRESP comes and no FIN
 * either: the client learns of it only from its own keepalive / response-time timers. After the
 * thaw the broker answers what piled up and drops connections whose keepalive ran out. The
 * device publishes a numbered QoS 1 stream and receives one from the observer throughout; with
 * clean=true it must notice, reconnect once the broker answers, subscribe again, and lose
 * nothing it was told was acknowledged.
 */
export default outage({
  id: "broker-freeze",
  title: "Broker frozen (SIGSTOP) for 3 × keepalive, then SIGCONT, while the device publishes and receives QoS 1",
  faults: ["brokerFreeze"],
  fault: ({ targets }) => brokerFreeze(targets),
  // Frozen, the broker acknowledges nothing: the observer's stream goes on throughout.
  observerPauses: false,
});
