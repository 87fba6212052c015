import { defineFault, type Fault, type FaultTargets } from "./fault.ts";

export interface BrokerRestartParams {
  /**
   * How the broker goes down before it comes straight back. SIGTERM (default) is a clean
   * restart: mosquitto with persistence on saves its database on the way out, so sessions and
   * queued messages survive even on a broker that is not durable. SIGKILL is a crash-restart:
   * on a non-durable broker (autosave every 1800 s) the sessions and queues are lost — the
   * "restart without persistence" case.
   */
  signal?: "SIGTERM" | "SIGKILL";
}

export const brokerRestartFault = defineFault({
  name: "brokerRestart",
  help: "down and straight back; with SIGKILL on a non-durable broker the sessions are gone",
  how: "stop + start (`signal`)",
  make: brokerRestart,
});

/**
 * Broker restart: the broker goes down and comes back at once, as after an upgrade or a
 * supervisor restarting it. Every client sees its connection end (FIN, or RST after SIGKILL)
 * and can reconnect within a second; whether its session is still there is the broker's
 * persistence (see `signal`).
 *
 * The lab stops the process (SIGTERM, or SIGKILL) and starts it again on the same port and
 * data folder before inject() returns; heal() only makes sure it is running.
 */
export function brokerRestart(targets: FaultTargets, params: BrokerRestartParams = {}): Fault {
  const broker = targets.broker;
  const signal = params.signal ?? "SIGTERM";
  return {
    kind: "brokerRestart",
    params: { broker: broker.kind, durable: broker.durable, signal },
    async inject() {
      await (signal === "SIGKILL" ? broker.crash() : broker.shutdown());
      await broker.start();
    },
    heal: async () => {
      if (!broker.running) await broker.start();
    },
    // Interrupted between stop and start: teardown stops the broker anyway.
    restore: async () => {},
  };
}
