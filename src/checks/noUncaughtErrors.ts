import { at, type TimelineEvent } from "../timeline/event.ts";
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
 * The client's own error lines, as noUncaughtErrors judges them: each `error` event, each
 * printed traceback and each exit of the device process by itself, until the lab stops the
 * device (`device.stopping`); `atStop` holds the times of tracebacks printed during the stop
 * (named, not judged). The root cause (cause.ts) prefers the first of `errors`.
 */
export function clientErrors(events: readonly TimelineEvent[]): { errors: TimelineEvent[]; atStop: number[] } {
  const stoppingAt = events.find((e) => isLab(e, "device.stopping"))?.t ?? Infinity;
  // A power cycle kills the device on purpose: the exit that follows it is the lab's doing.
  const powerOffs = events.filter((e) => isLab(e, "device.power") && e.on === false).map((e) => e.t);
  const expectedExit = (t: number) => powerOffs.some((p) => t >= p && t - p < 5000);
  const errors: TimelineEvent[] = [];
  const atStop: number[] = [];
  for (const e of events) {
    if (!isDevice(e)) continue;
    if (e.kind === "error") errors.push(e);
    else if (isTracebackStart(e)) {
      if (e.t >= stoppingAt) atStop.push(e.t);
      else errors.push(e);
    } else if (e.kind === "exit" && e.t < stoppingAt && !expectedExit(e.t)) errors.push(e);
  }
  return { errors, atStop };
}

/** The first line of a traceback the client printed. */
export const isTracebackStart = (e: TimelineEvent): boolean => e.kind === "log" && typeof e.line === "string" && e.line.startsWith("Traceback (most recent call last)");

/** The device's log lines from a traceback's first line on (at most `n`): the traceback itself. */
export function tracebackLines(events: readonly TimelineEvent[], start: TimelineEvent, n = 8): string[] {
  return events
    .filter((x) => isDevice(x, "log") && x.t >= start.t)
    .slice(0, n)
    .map((x) => (x.line === undefined || x.line === null ? "" : String(x.line)));
}

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
      const { errors, atStop } = clientErrors(events);
      const evidence: Evidence[] = errors.map((e) => {
        if (e.kind === "error") return { t: e.t, charged: "client", text: `exception at ${at(e.t)}: ${String(e.msg)}`, tb: e.tb };
        if (e.kind === "log") return { t: e.t, charged: "client", text: `traceback printed at ${at(e.t)}: ${tracebackLines(events, e).join(" | ")}` };
        return { t: e.t, charged: "client", text: `device process exited by itself at ${at(e.t)} (code ${String(e.code)}, signal ${String(e.signal)})`, tail: e.tail };
      });
      if (evidence.length) return { verdict: "fail", summary: `${evidence.length} uncaught error(s) on the device`, evidence: firstN(evidence, 5) };
      const noted = atStop.length ? ` (${atStop.length} traceback(s) printed while the lab stopped the client, from ${at(atStop[0]!)}: not judged)` : "";
      return { verdict: "pass", summary: `no exception escaped the client${noted}`, evidence: [] };
    },
  };
}
