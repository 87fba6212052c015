import { throughFault } from "./_templates.ts";

/**
 * The broker process is SIGKILLed for 10 s while the device publishes a numbered QoS 1
 * stream and receives one from the observer. The broker is durable (it saves after every
 * change), so the device's kept session and the messages queued in it survive: nothing that
 * was acknowledged may be lost, and the client must come back on its own.
 */
export default throughFault({
  id: "broker-crash",
  title: "Broker killed (SIGKILL) for 10 s while the device publishes and receives QoS 1",
  faults: ["brokerCrash"],
  client: { clean: false, clean_init: true, keepalive: 6 },
  broker: { durable: true },
  ackedBefore: 5,
  async fault({ broker, wait }) {
    await broker.crash();
    await wait(10_000);
    await broker.start();
  },
  back: "client reconnects after the broker is back",
});
