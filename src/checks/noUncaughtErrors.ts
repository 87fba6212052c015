import { at } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";

export const noUncaughtErrorsChecker = defineChecker({
  name: "noUncaughtErrors",
  group: "resilience",
  guarantee: "no exception escapes the client; the device process never dies by itself",
  bound: "—",
  factory: noUncaughtErrors,
});

/**
 * Client promise: no exception escapes the client (a traceback on a device in the field is
 * a reboot or a hang), and the device process does not die on its own.
 */
export function noUncaughtErrors(): Check {
  return {
    name: noUncaughtErrorsChecker.name,
    guarantee: noUncaughtErrorsChecker.guarantee,
    judge(events) {
      const stoppingAt = events.find((e) => e.src === "lab" && e.kind === "device.stopping")?.t ?? Infinity;
      // A power cycle kills the device on purpose: the exit that follows it is the lab's doing.
      const powerOffs = events.filter((e) => e.src === "lab" && e.kind === "device.power" && e.on === false).map((e) => e.t);
      const expectedExit = (t: number) => powerOffs.some((p) => t >= p && t - p < 5000);
      const evidence: Evidence[] = [];
      for (const e of events) {
        if (e.src !== "device") continue;
        if (e.kind === "error") {
          evidence.push({ t: e.t, charged: "client", text: `exception at ${at(e.t)}: ${String(e.msg)}`, tb: e.tb });
        } else if (e.kind === "log" && typeof e.line === "string" && e.line.startsWith("Traceback (most recent call last)")) {
          const tail = events.filter((x) => x.src === "device" && x.kind === "log" && x.t >= e.t).slice(0, 8);
          evidence.push({ t: e.t, charged: "client", text: `traceback printed at ${at(e.t)}: ${tail.map((x) => x.line).join(" | ")}` });
        } else if (e.kind === "exit" && e.t < stoppingAt && !expectedExit(e.t)) {
          evidence.push({
            t: e.t,
            charged: "client",
            text: `device process exited by itself at ${at(e.t)} (code ${String(e.code)}, signal ${String(e.signal)})`,
            tail: e.tail,
          });
        }
      }
      if (evidence.length) return { verdict: "fail", summary: `${evidence.length} uncaught error(s) on the device`, evidence: firstN(evidence, 5) };
      return { verdict: "pass", summary: "no exception escaped the client", evidence: [] };
    },
  };
}
