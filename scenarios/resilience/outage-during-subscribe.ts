import type { FaultTargets } from "../../src/faults/fault.ts";
import { ExpectationFailed } from "../../src/scenario/expectation.ts";
import { scenario, type ObserverHandle } from "../../src/scenario/dsl.ts";
import type { Ack } from "../../src/devices/channel.ts";
import { partition } from "../../src/faults/partition.ts";
import { subscriptionRequestedWorks } from "../../src/checks/subscriptionRequestedWorks.ts";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { reconnectsWithin } from "../../src/checks/reconnectsWithin.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { detectsOutageWithin } from "../../src/checks/detectsOutageWithin.ts";

/** Observer publish period (ms). */
const EVERY_MS = 200;

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
  async run({ device, observer, topics, bounds, client, targets, inject, heal, wait }) {
    const own = `${topics.down}/own`;
    await device.up({ within: bounds.connectMs, what: "client connects" });
    await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes" });

    const p = await inject(partition(targets));
    // In flight the moment the link died: the SUBACK cannot come back on this connection.
    const first = device.subscribe(own, 1);
    // The fault's own duration: 3 × keepalive (12 s), beyond the detection bound (1.5 × keepalive + 2 s):
    // the client must give the connection (and with clean=true its session) up.
    await wait(3 * client.keepalive * 1000);
    await heal(p);
    // Back after the fault: the client noticed (its own down; detectsOutageWithin holds it to 1.5 × keepalive
    // + slack from the fault's start) and reconnected (reconnectsWithin: 2 reconnect cycles + slack from the
    // heal). The scenario waits for both in turn, the sum of the two bounds; the checkers judge each.
    await reconnected(targets, bounds.outageDetectionMs + bounds.reconnectAfterHealMs, "client reconnects after the partition");
    // The subscribe's answer: completed on the new connection within one reconnect cycle, or failed long ago.
    const answer = await Promise.race([first, wait(bounds.reconnectCycleMs).then(() => undefined)]);
    if (answer && !(answer as Ack).ok) {
      // Told it failed, the application subscribes again now that the client is up.
      await Promise.race([device.subscribe(own, 1), wait(bounds.reconnectCycleMs)]);
    }
    // Publishes to the topic for one response time (the SUBACK may still be under way) + 1 s and more.
    await observerBurst(observer, own, Math.ceil((client.response_time * 1000 + 2000) / EVERY_MS), wait);
  },
  checks: (ctx) => [subscriptionRequestedWorks(`${ctx.topics.down}/own`), noLostAcknowledged(), reconnectsWithin(), noUncaughtErrors(), detectsOutageWithin()],
});

/** Numbered QoS 1 messages "own=N" from the observer, one every EVERY_MS after the previous PUBACK. */
async function observerBurst(observer: ObserverHandle, topic: string, n: number, wait: (ms: number) => Promise<void>): Promise<void> {
  for (let i = 1; i <= n; i++) {
    await observer.publish(topic, `own=${i}`, { qos: 1 });
    await wait(EVERY_MS);
  }
}

/**
 * The client came back after the latest fault: its own `down` (or the device's exit) after the
 * fault began, then its own `up`. device.up() alone would take a stale `up` from before the
 * fault when the client has not noticed yet (a FIN it has not read, a restart it slept through),
 * and device.down() wants `down` to be the client's latest signal, which a client that already
 * reconnected no longer shows. Events are compared in timeline order, not by time stamp: a
 * device reports `down` and `up` within one millisecond.
 */
async function reconnected(targets: FaultTargets, within: number, what: string): Promise<void> {
  const tl = targets.lab.timeline;
  const signal = targets.lab.abort.signal;
  const since = tl.last((e) => e.src === "fault" && e.kind === "start")?.t ?? -1;
  const back = () => {
    const i = tl.events.findIndex((e) => e.src === "device" && (e.kind === "down" || e.kind === "exit") && e.t >= since);
    return i >= 0 && tl.events.slice(i + 1).some((e) => e.src === "device" && e.kind === "up");
  };
  if (back()) return;
  const started = tl.now();
  const ev = await tl.next((e) => e.src === "device" && e.kind === "up" && back(), within, signal);
  if (!ev && !signal.aborted) throw new ExpectationFailed(what, within, started);
}
