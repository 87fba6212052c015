import { scenario } from "../../src/scenario/dsl.ts";
import { partition } from "../../src/faults/partition.ts";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { reconnectsWithin } from "../../src/checks/reconnectsWithin.ts";
import { resumesPublishing } from "../../src/checks/resumesPublishing.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { detectsOutageWithin } from "../../src/checks/detectsOutageWithin.ts";
import { subscriptionsSurvive } from "../../src/checks/subscriptionsSurvive.ts";
import { sessionResumed } from "../../src/checks/session.ts";

/** Stream period (ms). */
const EVERY_MS = 200;

/**
 * clean=false with a durable broker: the session outlives the connection. The device holds two
 * subscriptions — the application's, renewed at every up, and one it made once (`…/kept`), which
 * only the kept session can bring back. A silent partition longer than the keepalive takes the
 * device away; the observer keeps publishing to both topics all along. When the device
 * returns (clean start 0) the broker must resume the session and deliver everything queued
 * while it was away, on both topics, and keep routing the once-made subscription.
 */
export default scenario({
  id: "subscriptions-restored-kept-session",
  title: "clean=false, durable broker: messages published while the device was away arrive after it returns",
  faults: ["partition"],
  // keepalive 4 s compresses time; response_time 3 s is one CONNACK/PUBACK wait on a loaded machine.
  // clean_init=false: every connection, the first included, asks to keep the session. (With
  // clean_init=true the first connection is clean; in 3.1.1 a clean session is never kept, so a
  // client that does not reconnect unclean at once, as mqtt_as does, has nothing kept for the
  // first outage.)
  client: { clean: false, clean_init: false, keepalive: 4, response_time: 3 },
  broker: { durable: true },
  async run({ device, observer, topics, bounds, client, targets, inject, heal, wait }) {
    const kept = `${topics.down}/kept`;
    await device.up({ within: bounds.connectMs, what: "client connects" });
    await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes" });
    const sub = await device.subscribe(kept, 1);
    if (!sub.ok) throw new Error(`the lab could not set up the once-made subscription: ${sub.err ?? "failed"}`);
    await device.subscribed(kept, { within: bounds.reconnectCycleMs, what: "client confirms the once-made subscription" });
    const upstream = device.publishEvery(topics.up, { qos: 1, everyMs: EVERY_MS });
    const downstream = observer.publishEvery(topics.down, { qos: 1, everyMs: EVERY_MS });
    const keptStream = observer.publishEvery(kept, { qos: 1, everyMs: EVERY_MS });
    await upstream.acked(5, { within: bounds.connectMs, what: "publishes flow before the fault" });

    const p = await inject(partition(targets));
    // The fault's own duration: 3 × keepalive (12 s) outlasts the broker's 1.5 × keepalive, so the
    // broker ends the connection and queues in the kept session for several seconds.
    await wait(3 * client.keepalive * 1000);
    await heal(p);

    // Back after the fault: the client noticed (its own down; detectsOutageWithin holds it to 1.5 × keepalive
    // + slack from the fault's start) and reconnected (reconnectsWithin: 2 reconnect cycles + slack from the
    // heal). The scenario waits for both in turn, the sum of the two bounds; the checkers judge each.
    await device.reconnected({ within: bounds.outageDetectionMs + bounds.reconnectAfterHealMs, what: "client reconnects after the partition" });
    await upstream.acked(5, { within: bounds.reconnectCycleMs, what: "client resumes publishing" });
    // subscriptionsSurvive judges observer publishes later than one response time after the up:
    // keep both observer streams going that long and a second more.
    await keptStream.acked(Math.ceil((client.response_time * 1000 + 1000) / EVERY_MS), {
      within: bounds.reconnectCycleMs + client.response_time * 1000,
      what: "observer keeps publishing to the device",
    });
    await Promise.all([upstream.stop(), downstream.stop(), keptStream.stop()]);
  },
  checks: () => [
    noLostAcknowledged(),
    reconnectsWithin(),
    resumesPublishing(3),
    noUncaughtErrors(),
    detectsOutageWithin(),
    subscriptionsSurvive(),
    sessionResumed(),
  ],
});

