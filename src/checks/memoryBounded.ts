import { at } from "../timeline/event.ts";
import type { Check, CheckResult } from "./check.ts";
import { firstN } from "./check.ts";
import { isDeviceBoundary } from "./history.ts";

interface QuietPoint {
  t: number;
  free: number;
  upAt: number;
}

/**
 * Client promise (no MQTT section: a constrained device's survival): free heap does not trend
 * down across outages — each reconnect must give back what the outage took (buffers, queued
 * messages, tasks). Readings are compared at comparable quiet points: the first `mem` reading
 * after each `up`, before the next `down`, within one device process (a power cycle starts a
 * fresh heap). Fails when those points fall at every reconnect by more than the bound
 * (default the larger of 4096 bytes and 10 % of the first point).
 */
export function memoryBounded(maxDropBytes?: number): Check {
  return {
    name: "memoryBounded",
    guarantee: "free heap at quiet points after each reconnect does not fall steadily",
    judge(events) {
      const mems = events.filter((e) => e.src === "device" && e.kind === "mem" && typeof e.free === "number");
      if (mems.length < 3) return { verdict: "unknown", summary: `${mems.length} free-heap reading(s) on the timeline: need at least 3`, evidence: [] };
      // The Node reference reports free = 0: a host process has no fixed heap to run out of.
      if (mems.every((e) => e.free === 0)) return { verdict: "unknown", summary: "the device reports no free heap (free = 0)", evidence: [] };
      const lives: QuietPoint[][] = [[]];
      let upAt: number | undefined;
      for (const e of events) {
        if (isDeviceBoundary(e) && lives.at(-1)!.length > 0) lives.push([]);
        if (e.src !== "device") continue;
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
