import { scenario } from "../../src/scenario/dsl.ts";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { reconnectsWithin } from "../../src/checks/reconnectsWithin.ts";
import { resumesPublishing } from "../../src/checks/resumesPublishing.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { noBusyLoop } from "../../src/checks/noBusyLoop.ts";

/**
 * The broker process is SIGKILLed for 10 s while the device publishes a numbered QoS 1
 * stream and receives one from the observer. The broker is durable (it saves after every
 * change), so the device's kept session and the messages queued in it survive: nothing that
 * was acknowledged may be lost, and the client must come back on its own.
 */
export default scenario({
  id: "broker-crash",
  title: "Broker killed (SIGKILL) for 10 s while the device publishes and receives QoS 1",
  faults: ["brokerCrash"],
  client: { clean: false, clean_init: true, keepalive: 6, response_time: 3 },
  broker: { durable: true },
  async run({ device, broker, observer, topics, bounds, wait }) {
    await device.up({ within: bounds.connectMs, what: "client connects" });
    // Messages published before the subscription exists are owed to nobody: start the
    // downstream stream once the client confirmed it.
    await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes" });
    const upstream = device.publishEvery(topics.up, { qos: 1, everyMs: 200 });
    const downstream = observer.publishEvery(topics.down, { qos: 1, everyMs: 200 });
    await upstream.acked(5, { within: bounds.connectMs, what: "publishes flow before the fault" });

    await broker.crash();
    await wait(10_000);
    await broker.start();

    await device.up({ within: bounds.reconnectAfterHealMs, what: "client reconnects after the broker is back" });
    await upstream.acked(5, { within: bounds.reconnectCycleMs, what: "client resumes publishing" });
    await Promise.all([upstream.stop(), downstream.stop()]);
  },
  checks: () => [noLostAcknowledged(), reconnectsWithin(), resumesPublishing(3), noUncaughtErrors(), noBusyLoop()],
});
