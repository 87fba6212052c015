import { at } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { isDevice } from "../timeline/is.ts";

/** What MicroPython says when the heap runs out: the exception, or the allocator's own words. */
const OUT_OF_MEMORY = /MemoryError|memory allocation failed/;

export const noMemoryErrorChecker = defineChecker({
  name: "noMemoryError",
  group: "resilience",
  guarantee: "the client never runs out of heap: no MemoryError, caught or not; the lowest free heap the device reported is in the summary",
  bound: "—",
  factory: noMemoryError,
});

/**
 * Client promise (a constrained device's survival, no MQTT section): the client never runs
 * out of heap — no MemoryError, whether it escapes (noUncaughtErrors sees that too) or the
 * client catches it and carries on printing it (a client that swallows a MemoryError has
 * dropped whatever it was building: a message, a packet). Fails on the first such line. The
 * summary gives the lowest free heap the device reported (`mem` events), the figure a small
 * heap is judged by; a device with no heap to report (the Node reference) is judged on the
 * MemoryError alone.
 */
export function noMemoryError(): Check {
  return {
    name: noMemoryErrorChecker.name,
    guarantee: noMemoryErrorChecker.guarantee,
    judge(events) {
      const evidence: Evidence[] = [];
      for (const e of events) {
        if (!isDevice(e)) continue;
        const text = e.kind === "log" ? e.line : e.kind === "error" ? `${String(e.msg)} ${String(e.tb ?? "")}` : e.kind === "exit" ? String(e.tail ?? "") : undefined;
        if (typeof text === "string" && OUT_OF_MEMORY.test(text)) {
          evidence.push({ t: e.t, charged: "client", text: `out of heap at ${at(e.t)} (${e.kind}): ${text.trim().slice(0, 300)}` });
        }
      }
      const mems = events.filter((e) => isDevice(e, "mem") && typeof e.free === "number" && e.free > 0);
      const lowest = mems.reduce<(typeof mems)[number] | undefined>((lo, e) => (!lo || Number(e.free) < Number(lo.free) ? e : lo), undefined);
      const heap = lowest ? `lowest free heap ${String(lowest.free)} B at ${at(lowest.t)} of ${mems.length} reading(s)` : "the device reports no free heap";
      if (evidence.length) return { verdict: "fail", summary: `the client ran out of heap ${evidence.length} time(s) (${heap})`, evidence: firstN(evidence, 5) };
      return { verdict: "pass", summary: `no MemoryError; ${heap}`, evidence: lowest ? [{ t: lowest.t, text: heap }] : [] };
    },
  };
}
