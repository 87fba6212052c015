import type { RunningBroker } from "../brokers/broker.ts";
import { defineFault, type Fault } from "./fault.ts";

export const brokerCrashFault = defineFault({
  name: "brokerCrash",
  help: "the process dies, the OS resets its sockets",
  how: "SIGKILL; heal = start on the same port and data folder",
  make: (t) => brokerCrash(t.broker),
});

/**
 * Broker crash: the process dies (SIGKILL), the OS resets its sockets, nothing is flushed.
 * Healing starts it again on the same port and data folder; whether sessions survive is the
 * broker's durability, which the scenario states and the checkers use.
 */
export function brokerCrash(broker: RunningBroker): Fault {
  return {
    kind: "brokerCrash",
    params: { broker: broker.kind, durable: broker.durable, signal: "SIGKILL" },
    inject: () => broker.crash(),
    heal: () => broker.start(),
    // At teardown the broker is being stopped anyway: starting it again would only race that.
    restore: async () => {},
  };
}
