import { brokerShutdown } from "../../src/faults/brokerShutdown.ts";
import { outage } from "./_templates.ts";

/**
 * The broker is stopped on purpose (SIGTERM: it closes every connection with a FIN, and in
 * MQTT 5 may send DISCONNECT 0x8B first) and nothing listens on its port for 6 s; then it is
 * started again on the same port and data folder. The device publishes a numbered QoS 1 stream
 * and receives one from the observer throughout. With clean=true the client must notice at
 * once (the socket closed), retry until the broker is back, subscribe again on its new clean
 * session, and lose nothing it was told was acknowledged.
 */
export default outage({
  id: "broker-shutdown",
  title: "Broker stopped cleanly (SIGTERM) for 6 s while the device publishes and receives QoS 1",
  faults: ["brokerShutdown"],
  fault: ({ targets }) => brokerShutdown(targets),
  // Longer than one reconnect pause, so the client meets a closed port.
  holdMs: () => 6_000,
  // Stopped, the broker acknowledges nothing: the observer's stream goes on throughout.
  observerPauses: false,
  reconnects: "client reconnects after the broker is back",
});
