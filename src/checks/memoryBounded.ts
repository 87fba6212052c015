import { at } from "../timeline/event.ts";
import type { Check, CheckResult } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { isDeviceBoundary } from "./history.ts";
import { isDevice } from "../timeline/is.ts";

interface QuietPoint {
  t: number;
  free: number;
  upAt: number;
}

export const memoryBoundedChecker = defineChecker({
  name: "memoryBounded",
  group: "resilience",
  guarantee: "free heap at the first reading after each `up` neither falls at every reconnect nor ends far below where it began (compared within one device process)",
  bound: "a steady fall of at most max(4096 B, 10 % of the first reading); an overall loss, first → last reading, whatever the path, of at most max(8192 B, 25 % of the first) — wider, as one reading may catch a passing allocation, yet a quarter of an ESP8266's 40 KB is a few outages from a MemoryError; needs 3 such readings",
  factory: memoryBounded,
});

/**
 * Client promise (no MQTT section: a constrained device's survival): free heap does not trend
 * down across outages — each reconnect must give back what the outage took (buffers, queued
 * messages, tasks). Readings are compared at comparable quiet points: the first `mem` reading
 * after each `up`, before the next `down`, within one device process (a power cycle starts a
 * fresh heap). Two ways to fail, each with its bound:
 * - a **steady fall**: lower at every reconnect, by more than the bound overall (default the
 *   larger of 4096 B and 10 % of the first point) — a leak per outage, however small;
 * - a **large overall loss**: the last quiet point below the first by more than the larger of
 *   8192 B and 25 % of the first, whatever the path (60000 → 40000 → 41000 → 20000 → 5000 B
 *   rises once and is still a leak). The bound is wider than the steady one because a single
 *   reading may catch a passing allocation (a message being handled); a quarter of the heap
 *   gone for good is 10 KB on an ESP8266's 40 KB, a few outages from a MemoryError.
 */
export function memoryBounded(maxDropBytes?: number): Check {
  return {
    name: memoryBoundedChecker.name,
    guarantee: memoryBoundedChecker.guarantee,
    judge(events) {
      const mems = events.filter((e) => isDevice(e, "mem") && typeof e.free === "number");
      if (mems.length < 3) return { verdict: "unknown", summary: `${mems.length} free-heap reading(s) on the timeline: need at least 3`, evidence: [] };
      // The Node reference reports free = 0: a host process has no fixed heap to run out of.
      if (mems.every((e) => e.free === 0)) return { verdict: "unknown", summary: "the device reports no free heap (free = 0)", evidence: [] };
      const lives: QuietPoint[][] = [[]];
      let upAt: number | undefined;
      for (const e of events) {
        if (isDeviceBoundary(e) && lives.at(-1)!.length > 0) lives.push([]);
        if (!isDevice(e)) continue;
        if (e.kind === "up") upAt = e.t;
        else if (e.kind === "down" || e.kind === "exit") upAt = undefined;
        else if (e.kind === "mem" && upAt !== undefined && typeof e.free === "number") {
          lives.at(-1)!.push({ t: e.t, free: e.free, upAt });
          upAt = undefined;
        }
      }
      const judged = lives.filter((l) => l.length >= 3);
      if (judged.length === 0) {
        const most = Math.max(...lives.map((l) => l.length));
        return { verdict: "unknown", summary: `${mems.length} free-heap readings, but only ${most} at a quiet point after an up in one device process: need 3`, evidence: [] };
      }
      const results = judged.map((points) => judgeLife(points, maxDropBytes));
      return results.find((r) => r.verdict === "fail") ?? { ...results[0]!, summary: results.map((r) => r.summary).join("; ") };
    },
  };
}

function judgeLife(points: QuietPoint[], maxDropBytes: number | undefined): Omit<CheckResult, "name"> {
  const first = points[0]!;
  const last = points.at(-1)!;
  const bound = maxDropBytes ?? Math.max(4096, Math.round(first.free * 0.1));
  const why = maxDropBytes !== undefined ? `${bound} B` : `${bound} B = max(4096 B, 10 % of ${first.free} B)`;
  const drop = first.free - last.free;
  const falling = points.every((p, i) => i === 0 || p.free <= points[i - 1]!.free);
  const readings = points.map((p) => ({ t: p.t, text: `free ${p.free} B at ${at(p.t)} (up at ${at(p.upAt)})` }));
  const lossBound = maxDropBytes !== undefined ? 2 * maxDropBytes : Math.max(8192, Math.round(first.free * 0.25));
  const lossWhy = maxDropBytes !== undefined ? `${lossBound} B = 2 × ${maxDropBytes} B` : `${lossBound} B = max(8192 B, 25 % of ${first.free} B)`;
  if (!falling && drop > lossBound) {
    return {
      verdict: "fail",
      summary: `free heap lost overall across ${points.length} reconnects: ${first.free} B → ${last.free} B (−${drop} B > ${lossWhy})`,
      evidence: firstN([{ t: last.t, charged: "client", text: `free heap ${first.free} B at ${at(first.t)} → ${last.free} B at ${at(last.t)}: −${drop} B (${Math.round((drop / first.free) * 100)} %) not given back, > bound ${lossWhy}` }, ...readings]),
    };
  }
  if (falling && drop > bound) {
    return {
      verdict: "fail",
      summary: `free heap fell at every one of ${points.length} reconnects: ${first.free} B → ${last.free} B (−${drop} B > ${why})`,
      evidence: firstN([{ t: last.t, charged: "client", text: `free heap ${first.free} B at ${at(first.t)} → ${last.free} B at ${at(last.t)}, lower after each reconnect: −${drop} B > bound ${why}` }, ...readings]),
    };
  }
  return {
    verdict: "pass",
    summary: `free heap after ${points.length} reconnects: ${first.free} B → ${last.free} B (${drop > 0 ? `−${drop}` : `+${-drop}`} B; ${falling ? "falling but within" : "not steadily falling; bound"} ${why})`,
    evidence: firstN(readings),
  };
}
