import { scenario } from "../../src/scenario/dsl.ts";
import { partition } from "../../src/faults/partition.ts";
import { brokerRestart } from "../../src/faults/brokerRestart.ts";
import { comesBack, connects, EVERY_MS, held, outageMs, resilienceChecks, resubscribes } from "./_templates.ts";

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
  async run(ctx) {
    const { observer, topics, targets } = ctx;
    await connects(ctx);
    await observer.burst(topics.down, { label: "before", count: 5, everyMs: EVERY_MS });

    // Both ends give the connection (and the clean session) up.
    await held(ctx, partition(targets), outageMs(ctx));
    await comesBack(ctx, "client reconnects after the partition");
    await resubscribes(ctx, "client subscribes again after the partition");
    await observer.burstPastResubscribe(topics.down, { label: "after-partition", everyMs: EVERY_MS });

    // A clean restart: the broker closes every connection (FIN) and is back at once.
    await held(ctx, brokerRestart(targets, { signal: "SIGTERM" }));
    await comesBack(ctx, "client reconnects after the restart");
    await resubscribes(ctx, "client subscribes again after the restart");
    await observer.burstPastResubscribe(topics.down, { label: "after-restart", everyMs: EVERY_MS });
  },
  // No device stream: nothing to resume.
  checks: () => resilienceChecks({ resumesPublishing: false, subscriptionsSurvive: true, noBusyLoop: false, session: "clean" }),
});
