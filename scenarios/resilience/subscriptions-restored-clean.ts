import { scenario } from "../../src/scenario/dsl.ts";
import { partition } from "../../src/faults/partition.ts";
import { brokerRestart } from "../../src/faults/brokerRestart.ts";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { reconnectsWithin } from "../../src/checks/reconnectsWithin.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { subscriptionsSurvive } from "../../src/checks/subscriptionsSurvive.ts";
import { sessionClean } from "../../src/checks/session.ts";

/** Observer publish period (ms). */
const EVERY_MS = 200;

/**
 * clean=true: every connection starts without a session, so after each outage the broker holds
 * no subscription for the device and only the application's renewal brings messages back.
 * Two different outages in a row — a silent partition longer than the keepalive, then a clean
 * broker restart — and after each, once the client is up and has subscribed again, the
 * observer publishes to it: those messages must arrive (subscriptionsSurvive per fault,
 * noLostAcknowledged for every one). The observer is silent during the outages: what the
 * broker routes to a dead clean session is lost with it whatever the client does.
 */
export default scenario({
  id: "subscriptions-restored-clean",
  title: "clean=true: after a partition and a broker restart the client subscribes again and receives",
  faults: ["partition", "brokerRestart"],
  // keepalive 4 s compresses time; response_time 3 s is one SUBACK/CONNACK wait on a loaded machine.
  client: { clean: true, keepalive: 4, response_time: 3 },
  async run({ device, observer, topics, bounds, client, targets, inject, heal, wait }) {
    // Enough observer publishes after each return to outlast one response time (the window in
    // which subscriptionsSurvive does not yet hold the client to its renewed subscription) + 1 s.
    const burst = Math.ceil((client.response_time * 1000 + 1000) / EVERY_MS);
    await device.up({ within: bounds.connectMs, what: "client connects" });
    await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes" });
    await observer.burst(topics.down, { label: "before", count: 5, everyMs: EVERY_MS });

    const p = await inject(partition(targets));
    // The fault's own duration: 3 × keepalive (12 s) outlasts the detection bound (1.5 × keepalive + 2 s)
    // and the broker's own keepalive timeout, so both ends give the connection (and the clean session) up.
    await wait(3 * client.keepalive * 1000);
    await heal(p);
    // Back after the fault: the client noticed (its own down; detectsOutageWithin holds it to 1.5 × keepalive
    // + slack from the fault's start) and reconnected (reconnectsWithin: 2 reconnect cycles + slack from the
    // heal). The scenario waits for both in turn, the sum of the two bounds; the checkers judge each.
    await device.reconnected({ within: bounds.outageDetectionMs + bounds.reconnectAfterHealMs, what: "client reconnects after the partition" });
    // The renewed SUBACK: one response time, within one reconnect cycle.
    await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes again after the partition" });
    await observer.burst(topics.down, { label: "after-partition", count: burst, everyMs: EVERY_MS });

    // A clean restart: the broker closes every connection (FIN) and is back at once.
    const r = await inject(brokerRestart(targets, { signal: "SIGTERM" }));
    await heal(r);
    // Back after the fault: the client noticed (its own down; detectsOutageWithin holds it to 1.5 × keepalive
    // + slack from the fault's start) and reconnected (reconnectsWithin: 2 reconnect cycles + slack from the
    // heal). The scenario waits for both in turn, the sum of the two bounds; the checkers judge each.
    await device.reconnected({ within: bounds.outageDetectionMs + bounds.reconnectAfterHealMs, what: "client reconnects after the restart" });
    await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes again after the restart" });
    await observer.burst(topics.down, { label: "after-restart", count: burst, everyMs: EVERY_MS });
  },
  checks: () => [noLostAcknowledged(), reconnectsWithin(), noUncaughtErrors(), subscriptionsSurvive(), sessionClean()],
});

