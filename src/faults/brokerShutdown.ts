import { defineFault, type Fault, type FaultTargets } from "./fault.ts";

export const brokerShutdownFault = defineFault({
  name: "brokerShutdown",
  help: "a clean stop (v5 brokers may send DISCONNECT)",
  how: "SIGTERM; heal = start",
  make: brokerShutdown,
});

/**
 * Broker shutdown: the broker is stopped on purpose (maintenance, a redeploy). It closes every
 * connection cleanly — a FIN on each socket, and MQTT 5 brokers may first send DISCONNECT with
 * reason 0x8B "server shutting down" — and then nothing listens on its port until it is back.
 *
 * The lab sends SIGTERM (SIGKILL after 5 s if it hangs) and heals by starting the broker again
 * on the same port and data folder. mosquitto with persistence on writes its database on a
 * clean shutdown, so sessions survive a shutdown whatever the broker's durability.
 */
export function brokerShutdown(targets: FaultTargets): Fault {
  const broker = targets.broker;
  return {
    kind: "brokerShutdown",
    params: { broker: broker.kind, durable: broker.durable, signal: "SIGTERM" },
    inject: () => broker.shutdown(),
    heal: () => broker.start(),
    // At teardown the broker is being stopped anyway: starting it again would only race that.
    restore: async () => {},
  };
}
