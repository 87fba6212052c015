import { scenario } from "../../src/scenario/dsl.ts";
import type { Ack } from "../../src/devices/channel.ts";
import { partition } from "../../src/faults/partition.ts";
import { subscriptionRequestedWorks } from "../../src/checks/subscriptionRequestedWorks.ts";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { reconnectsWithin } from "../../src/checks/reconnectsWithin.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { detectsOutageWithin } from "../../src/checks/detectsOutageWithin.ts";
import { comesBack, connects, EVERY_MS, outageMs } from "./_templates.ts";

/**
 * The application subscribes to a new topic at the very moment the link dies silently (a
 * partition, WLAN up): its SUBSCRIBE goes into a dead socket and no SUBACK can come back on
 * that connection. Whatever the client does — complete the subscribe after it reconnects, or
 * report it failed so that the application tries again (which this application does, once,
 * after the client is back) — a subscribe it answered ok must work afterwards: the observer's
 * messages to the topic reach the device. A client that says ok without a SUBACK, on a
 * connection whose clean session then died, leaves the application subscribed to nothing.
 */
export default scenario({
  id: "outage-during-subscribe",
  title: "A partition lands while a subscribe is in flight: afterwards the subscription works",
  faults: ["partition"],
  // keepalive 4 s compresses time; response_time 3 s is one SUBACK wait on a loaded machine.
  client: { clean: true, keepalive: 4, response_time: 3 },
  async run(ctx) {
    const { device, observer, topics, bounds, client, targets, inject, heal, wait } = ctx;
    const own = `${topics.down}/own`;
    await connects(ctx);

    const p = await inject(partition(targets));
    // In flight the moment the link died: the SUBACK cannot come back on this connection.
    const first = device.subscribe(own, 1);
    // The client must give the connection (and with clean=true its session) up.
    await wait(outageMs(ctx));
    await heal(p);
    await comesBack(ctx, "client reconnects after the partition");
    // The subscribe's answer: completed on the new connection within one reconnect cycle, or failed long ago.
    const answer = await Promise.race([first, wait(bounds.reconnectCycleMs).then(() => undefined)]);
    if (answer && !(answer as Ack).ok) {
      // Told it failed, the application subscribes again now that the client is up.
      await Promise.race([device.subscribe(own, 1), wait(bounds.reconnectCycleMs)]);
    }
    // Publishes to the topic for one response time (the SUBACK may still be under way) + 1 s and more.
    await observer.burst(own, { count: Math.ceil((client.response_time * 1000 + 2000) / EVERY_MS), everyMs: EVERY_MS });
  },
  checks: (ctx) => [subscriptionRequestedWorks(`${ctx.topics.down}/own`), noLostAcknowledged(), reconnectsWithin(), noUncaughtErrors(), detectsOutageWithin()],
});

