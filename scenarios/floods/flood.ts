import { scenario, type Scenario } from "../../src/scenario/dsl.ts";
import type { Fault } from "../../src/faults/fault.ts";
import { ExpectationFailed } from "../../src/scenario/expectation.ts";
import { seqPayload } from "../../src/scenario/stream.ts";
import type { TimelineEvent } from "../../src/timeline/event.ts";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { orderPerTopic } from "../../src/checks/orderPerTopic.ts";
import { noDuplicatesBeyondDup } from "../../src/checks/noDuplicatesBeyondDup.ts";
import { sessionResumed } from "../../src/checks/session.ts";
import { noMemoryError } from "../../src/checks/noMemoryError.ts";
import { isDeviceMsg, isDeviceUp } from "../../src/timeline/is.ts";

/**
 * The device's heap, in KB of the MicroPython unix port (`-X heapsize`). An ESP8266 leaves
 * about 40 KB free on a 32-bit port; on this 64-bit port every object holding pointers is
 * about twice as large, byte buffers are not, so an ESP8266 is somewhere between 40k and 80k
 * here. 64k is the figure used: measured, both clients start there precompiled (mqtt_as with
 * about 15 KB free, aiomqttc with about 12 KB) and neither can at 50k or below, and the flood's
 * payload buffers (bytes, not doubled) weigh on it at least as hard as on a board. The same
 * figure for every client: one that cannot work in it is a finding, not a reason to raise it.
 */
export const HEAP_KB = 64;

/**
 * mosquitto's default max_inflight_messages: the broker sends at most 20 QoS 1 messages
 * before it waits for their PUBACKs. A client that answers each window within its own response
 * time drains N queued messages in ceil(N / 20) response times.
 */
const BROKER_INFLIGHT = 20;

/** After the flood, a few live messages prove the subscription works on the new connection. */
const AFTER = 5;

export interface FloodSpec {
  id: string;
  /** QoS 1 messages the observer piles up in the device's session while it is off. */
  count: number;
  /** Size of each, in bytes ("seq=N " padded). */
  bytes: number;
  /**
   * "resume": the board boots with clean_init=false, takes its session back and must receive
   * the whole flood. "wipe": it boots with clean_init=true (first connection clean, later ones
   * not): the queued messages are discarded with the session and were never owed; what is
   * published once it is subscribed again must arrive.
   */
  path: "resume" | "wipe";
}

/**
 * A clean_init flood: the device connects with a kept session (clean=false from its very
 * first connection, so the broker holds it) and subscribes; it is powered off (SIGKILL, RAM
 * gone); the observer piles up `count` QoS 1 messages of `bytes` in its session; the device
 * powers on, on a small heap with the client precompiled to .mpy as on an ESP8266, with
 * clean_init=false (resume) or true (wipe). No crash, no MemoryError, every owed message
 * delivered (or the failure reported), in order, duplicates only as resends.
 */
export function floodScenario(spec: FloodSpec): Scenario {
  const { count, bytes, path } = spec;
  const cleanInit = path === "wipe";
  return scenario({
    id: spec.id,
    title:
      path === "resume"
        ? `${count} QoS 1 messages of ${bytes} B queued while the device is off; it boots with clean_init=false on a ${HEAP_KB} KB heap and takes them all`
        : `${count} QoS 1 messages of ${bytes} B queued while the device is off; it boots with clean_init=true on a ${HEAP_KB} KB heap: the queue is wiped, later messages arrive`,
    faults: ["powerOff"],
    // clean_init=false on the first boot too: the broker must hold the session from the start.
    client: { clean: false, clean_init: false, keepalive: 5, response_time: 3 },
    device: { heapKb: HEAP_KB, precompile: true },
    timeoutMs: 240_000,
    async run({ device, observer, topics, bounds, client, targets, inject, heal, note }) {
      const tl = targets.lab.timeline;
      const signal = targets.lab.abort.signal;
      await device.up({ within: bounds.connectMs, what: "client connects with a kept session" });
      await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes" });

      // Power off, with the boot settings of the power on in the fault's parameters.
      const off: Fault = {
        kind: "powerOff",
        params: { signal: "SIGKILL", powerOn: { clean_init: cleanInit }, flood: { count, bytes } },
        inject: () => targets.device.powerOff(),
        heal: () => targets.device.powerOn({ clean_init: cleanInit }),
      };
      const dark = await inject(off);
      let acked = 0;
      for (let i = 1; i <= count && !signal.aborted; i++) if (await observer.publish(topics.down, seqPayload(i, bytes), { qos: 1 })) acked++;
      note(`flood: ${acked} of ${count} QoS 1 messages of ${bytes} B acknowledged by the broker while the device was off`);
      const bootAt = tl.now();
      await heal(dark);

      // device.up() would accept the dead process's last `up` (a killed device says no `down`):
      // wait for an `up` of the new process.
      const isUp = (e: TimelineEvent) => isDeviceUp(e) && e.t > bootAt;
      const up = await tl.seenOrNext(isUp, { since: tl.markAt(bootAt), within: bounds.connectMs, signal });
      if (!up && !signal.aborted) throw new ExpectationFailed("client connects after the power-on", bounds.connectMs, bootAt);

      if (path === "resume") {
        // Every queued message, each broker window answered within the client's response time.
        const within = bounds.connectMs + Math.ceil(count / BROKER_INFLIGHT) * client.response_time * 1000;
        const flood = new Set(Array.from({ length: count }, (_, i) => seqPayload(i + 1, bytes)));
        const isFlood = (e: TimelineEvent) => isDeviceMsg(e) && e.topic === topics.down && e.t > bootAt && flood.has(String(e.payload));
        const got = new Set<string>();
        // Events arrive in bursts: a waiter wakes on the first of a burst, so count by
        // rescanning the timeline from a cursor, never from the events waiters return.
        let cursor = 0;
        const scan = () => {
          for (; cursor < tl.events.length; cursor++) if (isFlood(tl.events[cursor]!)) got.add(String(tl.events[cursor]!.payload));
        };
        const started = tl.now();
        for (scan(); got.size < count && !signal.aborted; scan()) {
          const left = within - (tl.now() - bootAt);
          const e = left > 0 ? await tl.next(isFlood, left, signal) : undefined;
          if (!e) {
            scan();
            if (signal.aborted || got.size >= count) break;
            throw new ExpectationFailed(`the ${count} queued messages reach the client (${got.size} did)`, within, started);
          }
        }
      }
      // The subscription on the new connection (renewed by the application on every up).
      await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes after the power-on" });
      for (let i = count + 1; i <= count + AFTER; i++) await observer.publish(topics.down, seqPayload(i, bytes), { qos: 1 });
    },
    checks: () => [
      noLostAcknowledged(),
      noUncaughtErrors(),
      noMemoryError(),
      orderPerTopic(),
      noDuplicatesBeyondDup(),
      ...(path === "resume" ? [sessionResumed()] : []),
    ],
  });
}
