import { at, type TimelineEvent } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { isBroker, isDevice, isDeviceUp, isLab } from "../timeline/is.ts";

/** mosquitto's words when it ends a client's connection itself. */
const BROKER_CLOSED = [/^\d+: Client (\S+) has exceeded timeout, disconnecting\./, /^\d+: Client (\S+) disconnected due to (.+)\.$/];

/**
 * Where the client's connection is judged: from its first `up` to the end of the scenario
 * (`device.stopping`), and whether anything ended it on the way — the client's own `down`, a
 * second `up`, the device's exit, or the broker closing it (mosquitto's log: "exceeded timeout",
 * "disconnected due to malformed packet" / "protocol error"). Shared by staysConnected and
 * keepsConnectionAlive.
 */
export function connectionSpan(events: readonly TimelineEvent[], clientId: string): { first: number; end: number; ended: boolean; broken: Evidence[] } | undefined {
  const first = events.findIndex(isDeviceUp);
  if (first < 0) return undefined;
  let end = events.findIndex((e, i) => i > first && isLab(e, "device.stopping"));
  const ended = end >= 0;
  if (!ended) end = events.length;
  const broken: Evidence[] = [];
  for (const e of events.slice(first + 1, end)) {
    if (isDevice(e, "down", "exit")) broken.push({ t: e.t, text: `the client reported ${e.kind} at ${at(e.t)}` });
    if (isDeviceUp(e)) broken.push({ t: e.t, text: `the client connected again at ${at(e.t)}` });
    if (isBroker(e, "log") && typeof e.line === "string") {
      for (const re of BROKER_CLOSED) {
        const m = re.exec(e.line);
        if (m && m[1] === clientId) broken.push({ t: e.t, text: `the broker at ${at(e.t)}: ${e.line.replace(/^\d+: /, "")}` });
      }
    }
  }
  return { first, end, ended, broken };
}

export const staysConnectedChecker = defineChecker({
  name: "staysConnected",
  group: "compliance",
  guarantee: "the client's connection lasts from its first `up` to the scenario's end: no `down`, no second `up`, no device exit, and the broker never closed it (mosquitto's log: timeout, malformed packet, protocol error)",
  bound: "—",
  factory: staysConnected,
});

/**
 * The device's first connection lasts to the end of the scenario: nothing the scenario did
 * (an idle span, a refused operation) made the client drop it or the broker close it.
 */
export function staysConnected(p: { guarantee?: string; name?: string } = {}): Check {
  return {
    name: p.name ?? staysConnectedChecker.name,
    guarantee: p.guarantee ?? "the client's connection lasts the whole scenario",
    judge(events, ctx) {
      const s = connectionSpan(events, ctx.client.client_id);
      if (!s) return { verdict: "fail", summary: "the client never came up", evidence: [] };
      if (s.broken.length) return { verdict: "fail", summary: `the connection did not last: ${s.broken[0]!.text}`, evidence: firstN(s.broken) };
      if (!s.ended) return { verdict: "unknown", summary: "the scenario did not get to its end", evidence: [] };
      const from = events[s.first]!.t;
      const to = events[s.end]!.t;
      return { verdict: "pass", summary: `one connection from ${at(from)} to the end at ${at(to)}`, evidence: [{ t: from, text: `up at ${at(from)}, still up at ${at(to)}` }] };
    },
  };
}
