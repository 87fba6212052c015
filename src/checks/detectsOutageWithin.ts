import { at } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker } from "./check.ts";
import type { CheckContext } from "./context.ts";
import { deviceUpAt, faultSpans, readLateNote, saidAt } from "./history.ts";
import { isDeviceDown, isLab } from "../timeline/is.ts";
import { promisedTiming } from "../mqtt/client.ts";

/** Faults that leave the client's connection unusable: it must notice them. */
export const OUTAGE_FAULTS = ["apLoss", "partition", "brokerFreeze", "brokerCrash", "brokerShutdown"];

/** Faults after which the old TCP connection is dead even once healed: a short one still counts. */
const CONNECTION_KILLERS = new Set(["brokerCrash", "brokerShutdown", "reset", "cutMidPacket"]);

export const detectsOutageWithinChecker = defineChecker({
  name: "detectsOutageWithin",
  group: "resilience",
  guarantee: "after apLoss, partition, brokerFreeze, brokerCrash or brokerShutdown the client's own `down` signal arrives (keepalive, MQTT §3.1.2.10); a fault that healed sooner, leaving the connection usable, or that found the client down, obliges nothing",
  bound: "from the fault's start: the client's detection factor × keepalive + 2 s (mqtt_as, keepalive 6 s: 1.5 × 6 + 2 = 11 s)",
  factory: detectsOutageWithin,
});

/**
 * Client promise (MQTT §3.1.2.10 keep alive, as the client implements it): the client notices
 * a dead link by itself — its own `down` signal — within the bound its keepalive promises
 * (mqtt_as: 1.5 × keepalive, plus the lab's scheduling slack), measured from the fault's
 * start. A fault that healed before the bound, and left the connection usable, did not
 * oblige the client to notice; a fault that found the client already down neither.
 */
export function detectsOutageWithin(kinds: string[] = OUTAGE_FAULTS): Check {
  return {
    name: detectsOutageWithinChecker.name,
    guarantee: detectsOutageWithinChecker.guarantee,
    judge(events, ctx) {
      const bound = ctx.bounds.outageDetectionMs;
      const why = derivation(ctx);
      const spans = faultSpans(events).filter((f) => kinds.includes(f.fault));
      if (spans.length === 0) return { verdict: "unknown", summary: `no ${kinds.join("/")} fault in this run: no outage to notice`, evidence: [] };
      const downs = events.filter(isDeviceDown);
      // The device stops being watched when the lab stops it.
      const watchedUntil = events.find((e) => isLab(e, "device.stopping"))?.t ?? events.at(-1)?.t ?? 0;
      const evidence: Evidence[] = [];
      let failed = 0;
      let judged = 0;
      for (const f of spans) {
        if (!deviceUpAt(events, f.from)) {
          evidence.push({ t: f.from, text: `${f.fault} at ${at(f.from)} found the client already down: nothing to notice` });
          continue;
        }
        const down = downs.find((d) => d.t >= f.from);
        // When the client said so, by its own clock: a line the starved host read late is not a late client.
        const delay = down ? Math.max(saidAt(down), f.from) - f.from : Infinity;
        const readLate = readLateNote(down);
        if (delay <= bound) {
          judged++;
          evidence.push({ t: down!.t, text: `${f.fault} started at ${at(f.from)}; client down at ${at(down!.t)}${readLate} (${Math.round(delay)} ms ≤ ${bound} ms)` });
          continue;
        }
        if (f.from + bound > watchedUntil) {
          evidence.push({ t: f.from, text: `${f.fault} at ${at(f.from)}: the run stopped watching the client at ${at(watchedUntil)}, before the ${bound} ms bound ran out` });
          continue;
        }
        if (f.to - f.from < bound && !CONNECTION_KILLERS.has(f.fault)) {
          evidence.push({ t: f.to, text: `${f.fault} at ${at(f.from)} healed after ${Math.round(f.to - f.from)} ms, before the ${bound} ms bound: the client was not obliged to notice` });
          continue;
        }
        judged++;
        failed++;
        evidence.push({
          t: f.from,
          charged: "client",
          text: down
            ? `${f.fault} started at ${at(f.from)}; client's own down only at ${at(down.t)}${readLate} (${Math.round(delay)} ms > bound ${bound} ms = ${why})`
            : `${f.fault} started at ${at(f.from)}; client never reported down (bound ${bound} ms = ${why})`,
        });
      }
      if (failed > 0) return { verdict: "fail", summary: `client noticed ${failed} of ${judged} outage(s) late or never`, evidence };
      if (judged === 0) return { verdict: "unknown", summary: "no fault obliged the client to notice an outage", evidence };
      return { verdict: "pass", summary: `client noticed each of ${judged} outage(s) within ${bound} ms`, evidence };
    },
  };
}

/** The bound's derivation in the client's own terms, e.g. "1.5 × keepalive 6 s + 2 s slack". */
function derivation(ctx: CheckContext): string {
  const factor = promisedTiming(ctx.manifest).outageDetection;
  const promise = factor * ctx.client.keepalive;
  const slack = ctx.bounds.outageDetectionMs / 1000 - promise;
  return `${factor} × keepalive ${ctx.client.keepalive} s${slack > 0 ? ` + ${+slack.toFixed(3)} s slack` : ""}`;
}
