import type { FaultTargets } from "../../src/faults/fault.ts";
import { ExpectationFailed } from "../../src/scenario/expectation.ts";
import { scenario, type ObserverHandle } from "../../src/scenario/dsl.ts";
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
    await reconnected(targets, bounds.outageDetectionMs + bounds.reconnectAfterHealMs, "client reconnects after the restart");
    // The session is gone: only the application's own renewal brings the subscription back
    // (one response time for the SUBACK, within one reconnect cycle).
    await subscribedAgain(targets, topics.down, bounds.reconnectCycleMs, "client subscribes again on the new session");
    await upstream.acked(5, { within: bounds.reconnectCycleMs, what: "client resumes publishing" });
    // subscriptionsSurvive judges observer publishes later than one response time after the up:
    // keep the downstream going that long and a second more.
    await observerBurst(observer, topics.down, Math.ceil((client.response_time * 1000 + 1000) / EVERY_MS), wait);
    await upstream.stop();
  },
  checks: () => [noLostAcknowledged(), reconnectsWithin(), resumesPublishing(3), noUncaughtErrors(), subscriptionsSurvive(), noBusyLoop()],
});

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

/**
 * After the restart: numbered QoS 1 messages "after=N" from the observer to the device, one every
 * EVERY_MS once the previous one was PUBACKed (payloads distinct from the first stream's "seq=N").
 */
async function observerBurst(observer: ObserverHandle, topic: string, n: number, wait: (ms: number) => Promise<void>): Promise<void> {
  for (let i = 1; i <= n; i++) {
    await observer.publish(topic, `after=${i}`, { qos: 1 });
    await wait(EVERY_MS);
  }
}
