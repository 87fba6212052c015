import { scenario } from "../../src/scenario/dsl.ts";
import { apLoss } from "../../src/faults/apLoss.ts";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { reconnectsWithin } from "../../src/checks/reconnectsWithin.ts";
import { resumesPublishing } from "../../src/checks/resumesPublishing.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { subscriptionsSurvive } from "../../src/checks/subscriptionsSurvive.ts";
import { noBusyLoop } from "../../src/checks/noBusyLoop.ts";

/** Observer stream period (ms). */
const EVERY_MS = 200;

/**
 * A short AP loss, shorter than the keepalive: the WLAN reports down and the wire is silent for
 * keepalive / 2, then the AP is back. A client that watches its WLAN notices at once; one that
 * only has the keepalive may not, but the connection that lived through the blip is closed at
 * the heal (the proxy FINs it, as a NAT or AP that lost its state would), so every client must
 * reconnect. Nothing it was told was acknowledged may be lost, publishes resume, and its
 * subscriptions are renewed.
 */
export default scenario({
  id: "ap-loss-short",
  title: "Access point lost for half a keepalive (shorter than the keepalive) while the device publishes and receives QoS 1",
  faults: ["apLoss"],
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

    const f = await inject(apLoss(targets));
    // The fault's own duration: keepalive / 2 (2 s), shorter than the keepalive: a blip the client need
    // not notice by its timers (its WLAN says down, though). The proxy closes connections that lived
    // through it at the heal, so every client sees its connection end by then at the latest.
    await wait((client.keepalive * 1000) / 2);
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
  checks: () => [noLostAcknowledged(), reconnectsWithin(), resumesPublishing(3), noUncaughtErrors(), subscriptionsSurvive(), noBusyLoop()],
});

