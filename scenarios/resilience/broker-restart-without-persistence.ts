import { scenario } from "../../src/scenario/dsl.ts";
import { brokerRestart } from "../../src/faults/brokerRestart.ts";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { reconnectsWithin } from "../../src/checks/reconnectsWithin.ts";
import { resumesPublishing } from "../../src/checks/resumesPublishing.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { subscriptionsSurvive } from "../../src/checks/subscriptionsSurvive.ts";
import { noBusyLoop } from "../../src/checks/noBusyLoop.ts";

/** Stream period (ms). */
const EVERY_MS = 200;

/**
 * A broker without persistence (autosave every 1800 s, never reached) is SIGKILLed and
 * started again at once: every session and every queued message is gone. The client asks to
 * keep its session (clean=false) and finds none (session present 0): it must cope with "no
 * session" — come back, subscribe again, and carry on publishing and receiving. Messages
 * lost with the broker's memory are the broker's (noLostAcknowledged attributes them: a
 * non-durable broker's crash after the acknowledgement, or its CONNACK with session present 0);
 * anything acknowledged after the restart and then lost is the client's.
 */
export default scenario({
  id: "broker-restart-without-persistence",
  title: "Non-durable broker crash-restarted (SIGKILL, sessions lost); the client must renew its subscriptions",
  faults: ["brokerRestart"],
  // keepalive 4 s compresses time; response_time 3 s is one CONNACK/PUBACK wait on a loaded machine.
  // clean=false (first connection clean, as mqtt_as's clean_init) so the client expects a session it will not find.
  client: { clean: false, clean_init: true, keepalive: 4, response_time: 3 },
  broker: { durable: false },
  async run({ device, observer, topics, bounds, client, targets, inject, heal, wait }) {
    await device.up({ within: bounds.connectMs, what: "client connects" });
    await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes" });
    const upstream = device.publishEvery(topics.up, { qos: 1, everyMs: EVERY_MS });
    const downstream = observer.publishEvery(topics.down, { qos: 1, everyMs: EVERY_MS });
    await upstream.acked(5, { within: bounds.connectMs, what: "publishes flow before the fault" });
    await downstream.acked(5, { within: bounds.connectMs, what: "the device receives before the fault" });
    // What the observer publishes between the crash and the device's renewed SUBACK is routed to
    // no one (the restarted broker holds no subscription of the device): owed to nobody. The
    // observer pauses over that window and publishes again once the client has subscribed anew.
    await downstream.stop();

    // inject() returns once the broker answers again: the restart is the whole fault.
    const f = await inject(brokerRestart(targets, { signal: "SIGKILL" }));
    await heal(f);

    // Back after the fault: the client noticed (its own down; detectsOutageWithin holds it to 1.5 × keepalive
    // + slack from the fault's start) and reconnected (reconnectsWithin: 2 reconnect cycles + slack from the
    // heal). The scenario waits for both in turn, the sum of the two bounds; the checkers judge each.
    await device.reconnected({ within: bounds.outageDetectionMs + bounds.reconnectAfterHealMs, what: "client reconnects after the restart" });
    // The session is gone: only the application's own renewal brings the subscription back
    // (one response time for the SUBACK, within one reconnect cycle).
    await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes again on the new session" });
    await upstream.acked(5, { within: bounds.reconnectCycleMs, what: "client resumes publishing" });
    // subscriptionsSurvive judges observer publishes later than one response time after the up:
    // keep the downstream going that long and a second more.
    await observer.burst(topics.down, { count: Math.ceil((client.response_time * 1000 + 1000) / EVERY_MS), everyMs: EVERY_MS });
    await upstream.stop();
  },
  checks: () => [noLostAcknowledged(), reconnectsWithin(), resumesPublishing(3), noUncaughtErrors(), subscriptionsSurvive(), noBusyLoop()],
});

