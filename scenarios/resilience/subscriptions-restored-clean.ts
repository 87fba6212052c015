import type { FaultTargets } from "../../src/faults/fault.ts";
import { ExpectationFailed } from "../../src/scenario/expectation.ts";
import { scenario, type ObserverHandle } from "../../src/scenario/dsl.ts";
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
    await observerBurst(observer, topics.down, "before", 5, wait);

    const p = await inject(partition(targets));
    // The fault's own duration: 3 × keepalive (12 s) outlasts the detection bound (1.5 × keepalive + 2 s)
    // and the broker's own keepalive timeout, so both ends give the connection (and the clean session) up.
    await wait(3 * client.keepalive * 1000);
    await heal(p);
    // Back after the fault: the client noticed (its own down; detectsOutageWithin holds it to 1.5 × keepalive
    // + slack from the fault's start) and reconnected (reconnectsWithin: 2 reconnect cycles + slack from the
    // heal). The scenario waits for both in turn, the sum of the two bounds; the checkers judge each.
    await reconnected(targets, bounds.outageDetectionMs + bounds.reconnectAfterHealMs, "client reconnects after the partition");
    // The renewed SUBACK: one response time, within one reconnect cycle.
    await subscribedAgain(targets, topics.down, bounds.reconnectCycleMs, "client subscribes again after the partition");
    await observerBurst(observer, topics.down, "after-partition", burst, wait);

    // A clean restart: the broker closes every connection (FIN) and is back at once.
    const r = await inject(brokerRestart(targets, { signal: "SIGTERM" }));
    await heal(r);
    // Back after the fault: the client noticed (its own down; detectsOutageWithin holds it to 1.5 × keepalive
    // + slack from the fault's start) and reconnected (reconnectsWithin: 2 reconnect cycles + slack from the
    // heal). The scenario waits for both in turn, the sum of the two bounds; the checkers judge each.
    await reconnected(targets, bounds.outageDetectionMs + bounds.reconnectAfterHealMs, "client reconnects after the restart");
    await subscribedAgain(targets, topics.down, bounds.reconnectCycleMs, "client subscribes again after the restart");
    await observerBurst(observer, topics.down, "after-restart", burst, wait);
  },
  checks: () => [noLostAcknowledged(), reconnectsWithin(), noUncaughtErrors(), subscriptionsSurvive(), sessionClean()],
});

/** Numbered QoS 1 messages "<label>=N" from the observer, one every EVERY_MS after the previous PUBACK. */
async function observerBurst(observer: ObserverHandle, topic: string, label: string, n: number, wait: (ms: number) => Promise<void>): Promise<void> {
  for (let i = 1; i <= n; i++) {
    await observer.publish(topic, `${label}=${i}`, { qos: 1 });
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

/**
 * The client confirmed its subscription to `topic` since its latest `up`, in timeline order:
 * device.subscribed() compares time stamps (`t > up`), and a client that subscribes inside its
 * connect callback reports both within the same millisecond.
 */
async function subscribedAgain(targets: FaultTargets, topic: string, within: number, what: string): Promise<void> {
  const tl = targets.lab.timeline;
  const signal = targets.lab.abort.signal;
  const done = () => {
    let up = -1;
    tl.events.forEach((e, i) => {
      if (e.src === "device" && e.kind === "up") up = i;
    });
    return up >= 0 && tl.events.slice(up + 1).some((e) => e.src === "device" && e.kind === "subscribed" && e.topic === topic);
  };
  if (done()) return;
  const started = tl.now();
  const ev = await tl.next((e) => e.src === "device" && e.kind === "subscribed" && done(), within, signal);
  if (!ev && !signal.aborted) throw new ExpectationFailed(what, within, started);
}
