import { at, type TimelineEvent } from "../timeline/event.ts";
import type { Check } from "./check.ts";
import { defineChecker } from "./check.ts";
import { deviceDownIntervals, faultSpans } from "./history.ts";
import { isDevice, isLab } from "../timeline/is.ts";

export const noBusyLoopChecker = defineChecker({
  name: "noBusyLoop",
  group: "resilience",
  guarantee: "the agent's 500 ms heartbeat keeps coming while a fault is in effect or the client is down: the client never spins on a dead socket",
  bound: "gaps ≤ 2 s (4 missed beats), on the device's own clock when the beats carry it",
  factory: noBusyLoop,
});

/**
 * Client promise (no MQTT section: cooperative scheduling on a device): while the link is
 * down the client keeps yielding to the event loop — a client that spins on a dead socket
 * starves every other task. The agent emits `hb` every 500 ms from its own task, so gaps
 * between heartbeats while the link is down (a fault in effect, or the client between its
 * own `down` and `up`) must stay within `maxGapMs` (default 2000 ms = 4 missed beats). A gap
 * counts on the device's own clock when both beats carry it, so a stalled host cannot fail the
 * client; a device that stops beating counts up to its exit or the end of the run. A power
 * cycle's dark time is no gap: beats are compared within one device process.
 */
export function noBusyLoop(maxGapMs = 2000): Check {
  return {
    name: noBusyLoopChecker.name,
    guarantee: `heartbeat gaps ≤ ${maxGapMs} ms while the link is down: the client never starves the event loop`,
    judge(events) {
      const beats = events.filter((e) => isDevice(e, "hb"));
      if (beats.length === 0) return { verdict: "unknown", summary: "no heartbeat from the device agent on the timeline", evidence: [] };
      const outages = [
        ...faultSpans(events).map((f) => ({ ...f, what: `${f.fault} was in effect` })),
        ...deviceDownIntervals(events).map((iv) => ({ ...iv, what: "the client was down" })),
      ];
      if (outages.length === 0) return { verdict: "unknown", summary: "the link never went down: nothing to judge", evidence: [] };
      // A device exit closes the last gap of its process; the next process's beats start afresh.
      const endAt = events.find((e) => isLab(e, "device.stopping"))?.t ?? events.at(-1)!.t;
      const points: { t: number; dev?: number; beat: boolean }[] = [];
      for (const e of events) {
        if (isDevice(e, "hb")) points.push({ t: e.t, dev: deviceTicks(e), beat: true });
        else if (isDevice(e, "exit") && e.t < endAt) points.push({ t: e.t, beat: false });
      }
      if (endAt > points.at(-1)!.t) points.push({ t: endAt, beat: false });
      let worst: { from: number; to: number; gap: number; what: string } | undefined;
      let judged = 0;
      for (let i = 1; i < points.length; i++) {
        const a = points[i - 1]!;
        const b = points[i]!;
        if (!a.beat) continue;
        const during = outages.find((o) => a.t < Math.min(o.to, endAt) && b.t > o.from);
        if (!during) continue;
        judged++;
        const devGap = a.dev !== undefined && b.dev !== undefined && b.dev >= a.dev ? b.dev - a.dev : Infinity;
        const gap = Math.min(b.t - a.t, devGap);
        if (!worst || gap > worst.gap) worst = { from: a.t, to: b.t, gap, what: `${during.what} (${at(during.from)}–${during.to === Infinity ? "end" : at(during.to)})` };
      }
      if (!worst) return { verdict: "unknown", summary: "no heartbeat fell while the link was down", evidence: [] };
      const text = `longest heartbeat gap ${Math.round(worst.gap)} ms, ${at(worst.from)}–${at(worst.to)}, while ${worst.what}`;
      if (worst.gap > maxGapMs) {
        return {
          verdict: "fail",
          summary: `the device's event loop stalled ${Math.round(worst.gap)} ms (> ${maxGapMs} ms) while the link was down`,
          evidence: [{ t: worst.from, charged: "client", text: `${text}: > ${maxGapMs} ms, the client starved the agent's event loop` }],
        };
      }
      return { verdict: "pass", summary: `heartbeats kept coming while the link was down (${judged} gaps, longest ${Math.round(worst.gap)} ms ≤ ${maxGapMs} ms)`, evidence: [{ t: worst.from, text }] };
    },
  };
}

/** The device's own ticks_ms for an event, when the agent sent it. */
function deviceTicks(e: TimelineEvent): number | undefined {
  return typeof e.dt_dev === "number" ? e.dt_dev : undefined;
}
