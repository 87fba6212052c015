import { scenario } from "../../src/scenario/dsl.ts";
import { partition } from "../../src/faults/partition.ts";
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
 * A partition upstream of the access point for 3 × keepalive: the WLAN stays associated and
 * says up, but the broker is unreachable and every byte vanishes silently (no FIN, RST or
 * ICMP); reconnect attempts reach nothing that answers. The device publishes a numbered QoS 1
 * stream and receives one from the observer; with clean=true it must notice from its own
 * timers, keep retrying, come back after the heal, subscribe again, and lose nothing it was
 * told was acknowledged.
 */
export default scenario({
  id: "partition",
  title: "Broker unreachable with the WLAN up (silent partition) for 3 × keepalive while the device publishes and receives QoS 1",
  faults: ["partition"],
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
    await downstream.acked(5, { within: bounds.connectMs, what: "the device receives before the fault" });
    // With clean=true a message the broker routes onto the silently dead connection is lost with
    // that connection's session whatever the client does (MQTT §3.1.2.4): the observer pauses
    // for the outage and publishes again once the client has subscribed anew.
    await downstream.stop();

    const f = await inject(partition(targets));
    // The fault's own duration: 3 × keepalive (12 s), beyond the detection bound (1.5 × keepalive + 2 s = 8 s):
    // with the WLAN up nothing but the client's keepalive/PUBACK timers can reveal the outage.
    await wait(3 * client.keepalive * 1000);
    await heal(f);

    // Back after the fault: the client noticed (its own down; detectsOutageWithin holds it to 1.5 × keepalive
    // + slack from the fault's start) and reconnected (reconnectsWithin: 2 reconnect cycles + slack from the
    // heal). The scenario waits for both in turn, the sum of the two bounds; the checkers judge each.
    await device.reconnected({ within: bounds.outageDetectionMs + bounds.reconnectAfterHealMs, what: "client reconnects after the heal" });
    // A clean session holds nothing: the application subscribes again, one response time for the SUBACK,
    // within one reconnect cycle.
    await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes again" });
    // Resumed within one reconnect cycle (resumesPublishing's own bound).
    await upstream.acked(5, { within: bounds.reconnectCycleMs, what: "client resumes publishing" });
    // subscriptionsSurvive only judges observer publishes later than one response time after the
    // up: keep the downstream going that long and a second more (counted in its own PUBACKs).
    await observer.burst(topics.down, { count: Math.ceil((client.response_time * 1000 + 1000) / EVERY_MS), everyMs: EVERY_MS });
    await upstream.stop();
  },
  checks: () => [noLostAcknowledged(), reconnectsWithin(), resumesPublishing(3), noUncaughtErrors(), detectsOutageWithin(), subscriptionsSurvive(), noBusyLoop()],
});

