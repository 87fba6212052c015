import { defineFault, type Fault, type FaultTargets } from "./fault.ts";

export const brokerFreezeFault = defineFault({
  name: "brokerFreeze",
  help: "TCP stays up, nothing answers",
  how: "SIGSTOP / SIGCONT (waits until /proc shows the state)",
  make: brokerFreeze,
});

/**
 * Broker freeze: the broker host hangs (swapping, a stuck disk, a GC pause, a VM migration).
 * Its sockets stay open and the kernel still ACKs what arrives, but no MQTT packet is answered:
 * no CONNACK, no PUBACK, no PINGRESP, and no FIN either. A client only finds out from its own
 * timers (keepalive, response time); new connections are accepted by the kernel's backlog and
 * then hear nothing.
 *
 * The lab sends SIGSTOP to the broker's process group and SIGCONT to heal; the broker then
 * answers whatever piled up, and drops the connections whose keepalive ran out meanwhile.
 */
export function brokerFreeze(targets: FaultTargets): Fault {
  const broker = targets.broker;
  return {
    kind: "brokerFreeze",
    params: { broker: broker.kind, signal: "SIGSTOP" },
    inject: () => broker.freeze(),
    heal: () => broker.thaw(),
    // A frozen broker cannot act on the SIGTERM of teardown: thaw it first, always.
    restore: () => broker.thaw(),
  };
}
