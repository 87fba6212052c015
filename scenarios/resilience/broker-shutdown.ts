import { scenario } from "../../src/scenario/dsl.ts";
import { brokerShutdown } from "../../src/faults/brokerShutdown.ts";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { reconnectsWithin } from "../../src/checks/reconnectsWithin.ts";
import { resumesPublishing } from "../../src/checks/resumesPublishing.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { detectsOutageWithin } from "../../src/checks/detectsOutageWithin.ts";
import { subscriptionsSurvive } from "../../src/checks/subscriptionsSurvive.ts";
import { noBusyLoop } from "../../src/checks/noBusyLoop.ts";

/** Observer stream period (ms). */
const EVERY_MS = 200;

/**
 * The broker is stopped on purpose (SIGTERM: it closes every connection with a FIN, and in
 * MQTT 5 may send DISCONNECT 0x8B first) and nothing listens on its port for 6 s; then it is
 * started again on the same port and data folder. The device publishes a numbered QoS 1 stream
 * and receives one from the observer throughout. With clean=true the client must notice at
 * once (the socket closed), retry until the broker is back, subscribe again on its new clean
 * session, and lose nothing it was told was acknowledged.
 */
export default scenario({
  id: "broker-shutdown",
  title: "Broker stopped cleanly (SIGTERM) for 6 s while the device publishes and receives QoS 1",
  faults: ["brokerShutdown"],
  // keepalive 4 s compresses time (detection bound 1.5 × 4 + 2 = 8 s); response_time 3 s is
  // one PUBACK/CONNACK wait on a loaded 2-core machine.
  client: { clean: true, keepalive: 4, response_time: 3 },
  async run({ device, observer, topics, bounds, client, targets, inject, heal, wait }) {
    await device.up({ within: bounds.connectMs, what: "client connects" });
    await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes" });
    const upstream = device.publishEvery(topics.up, { qos: 1, everyMs: EVERY_MS });
    const downstream = observer.publishEvery(topics.down, { qos: 1, everyMs: EVERY_MS });
    // Before the fault: flowing within one connect bound (a first exchange, nothing special).
    await upstream.acked(5, { within: bounds.connectMs, what: "publishes flow before the fault" });

    const f = await inject(brokerShutdown(targets));
    // The fault's own duration: longer than one reconnect pause, so the client meets a closed port.
    await wait(6_000);
    await heal(f);

    // Back after the fault: the client noticed (its own down; detectsOutageWithin holds it to 1.5 × keepalive
    // + slack from the fault's start) and reconnected (reconnectsWithin: 2 reconnect cycles + slack from the
    // heal). The scenario waits for both in turn, the sum of the two bounds; the checkers judge each.
    await device.reconnected({ within: bounds.outageDetectionMs + bounds.reconnectAfterHealMs, what: "client reconnects after the broker is back" });
    // A clean session holds nothing: the application subscribes again, one response time for the SUBACK,
    // within one reconnect cycle.
    await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes again" });
    // Resumed within one reconnect cycle (resumesPublishing's own bound).
    await upstream.acked(5, { within: bounds.reconnectCycleMs, what: "client resumes publishing" });
    // subscriptionsSurvive only judges observer publishes later than one response time after the
    // up: keep the downstream going that long and a second more (counted in its own PUBACKs).
    await downstream.acked(Math.ceil((client.response_time * 1000 + 1000) / EVERY_MS), {
      within: bounds.reconnectCycleMs + client.response_time * 1000,
      what: "observer keeps publishing to the device",
    });
    await Promise.all([upstream.stop(), downstream.stop()]);
  },
  checks: () => [noLostAcknowledged(), reconnectsWithin(), resumesPublishing(3), noUncaughtErrors(), detectsOutageWithin(), subscriptionsSurvive(), noBusyLoop()],
});

