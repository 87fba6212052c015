import { at } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { isDevice, isLab } from "../timeline/is.ts";

export const noUncaughtErrorsChecker = defineChecker({
  name: "noUncaughtErrors",
  group: "resilience",
  guarantee: "no exception escapes the client; the device process never dies by itself",
  bound: "until the lab stops the device: a traceback a task prints during the stop is named, not judged (MicroPython's asyncio prints a cancelled task's error or not by interleaving — measured flipping on one seed); an error raised by the stop itself counts",
  factory: noUncaughtErrors,
});

/**
 * Client promise: no exception escapes the client (a traceback on a device in the field is
 * a reboot or a hang), and the device process does not die on its own.
 *
 * The window ends when the lab stops the device (`device.stopping`): an exception the stop
 * operation itself raises still comes back as an `error` event and counts, but a traceback a
 * background task prints while the client is being shut down does not — MicroPython's asyncio
 * reports a cancelled task as "exception wasn't retrieved" or not depending on the interleaving
 * (measured: aiomqttc's disconnect() cancels its receive task into the NameError of finding 5,
 * which it catches and logs, and the same seed printed the traceback in one run of `partition`
 * and not in the next). Such tracebacks are named in the summary, not judged.
 */
export function noUncaughtErrors(): Check {
  return {
    name: noUncaughtErrorsChecker.name,
    guarantee: noUncaughtErrorsChecker.guarantee,
    judge(events) {
      const stoppingAt = events.find((e) => isLab(e, "device.stopping"))?.t ?? Infinity;
      // A power cycle kills the device on purpose: the exit that follows it is the lab's doing.
      const powerOffs = events.filter((e) => isLab(e, "device.power") && e.on === false).map((e) => e.t);
      const expectedExit = (t: number) => powerOffs.some((p) => t >= p && t - p < 5000);
      const evidence: Evidence[] = [];
      const atStop: number[] = [];
      for (const e of events) {
        if (!isDevice(e)) continue;
        if (e.kind === "error") {
          evidence.push({ t: e.t, charged: "client", text: `exception at ${at(e.t)}: ${String(e.msg)}`, tb: e.tb });
        } else if (e.kind === "log" && typeof e.line === "string" && e.line.startsWith("Traceback (most recent call last)")) {
          if (e.t >= stoppingAt) {
            atStop.push(e.t);
            continue;
          }
          const tail = events.filter((x) => isDevice(x, "log") && x.t >= e.t).slice(0, 8);
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
      const noted = atStop.length ? ` (${atStop.length} traceback(s) printed while the lab stopped the client, from ${at(atStop[0]!)}: not judged)` : "";
      return { verdict: "pass", summary: `no exception escaped the client${noted}`, evidence: [] };
    },
  };
}
