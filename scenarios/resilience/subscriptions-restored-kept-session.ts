import { scenario } from "../../src/scenario/dsl.ts";
import { partition } from "../../src/faults/partition.ts";
import { comesBack, connects, EVERY_MS, held, outageMs, resilienceChecks } from "./_templates.ts";

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
  async run(ctx) {
    const { device, observer, topics, bounds, targets } = ctx;
    const kept = `${topics.down}/kept`;
    await connects(ctx);
    const sub = await device.subscribe(kept, 1);
    if (!sub.ok) throw new Error(`the lab could not set up the once-made subscription: ${sub.err ?? "failed"}`);
    await device.subscribed(kept, { within: bounds.reconnectCycleMs, what: "client confirms the once-made subscription" });
    const upstream = device.publishEvery(topics.up, { qos: 1, everyMs: EVERY_MS });
    const downstream = observer.publishEvery(topics.down, { qos: 1, everyMs: EVERY_MS });
    const keptStream = observer.publishEvery(kept, { qos: 1, everyMs: EVERY_MS });
    await upstream.acked(5, { within: bounds.connectMs, what: "publishes flow before the fault" });

    // The broker ends the connection and queues in the kept session for several seconds.
    await held(ctx, partition(targets), outageMs(ctx));
    await comesBack(ctx, "client reconnects after the partition");
    await upstream.acked(5, { within: bounds.reconnectCycleMs, what: "client resumes publishing" });
    // Both observer streams go on; the once-made subscription's must be judged too.
    await keptStream.ackedPastResubscribe();
    await Promise.all([upstream.stop(), downstream.stop(), keptStream.stop()]);
  },
  checks: () => resilienceChecks({ detectsOutageWithin: true, subscriptionsSurvive: true, noBusyLoop: false, session: "resumed" }),
});
