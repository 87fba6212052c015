import { at, type TimelineEvent } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { fleetNames } from "./fleet.ts";
import { asksToKeepSession } from "./session.ts";
import { isBroker, isDevice, isDeviceOp, isLab } from "../timeline/is.ts";

export const fleetSessionsKeptChecker = defineChecker({
  name: "fleetSessionsKept",
  group: "resilience",
  guarantee: "MQTT §3.2.2.2, for every device of a fleet that asks to keep its session: each reconnect finds it (Session Present 1), unless the broker exited without a durable store between",
  bound: "—",
  factory: fleetSessionsKept,
});

/**
 * sessionResumed across a fleet: each device's reconnects (every `up` after its first), by the
 * Session Present its adapter reports or, failing that, the broker's CONNACK to its client id
 * (from the device's own `start`). A reconnect without its session is charged to the client,
 * unless a non-durable broker exited in between (then to the broker).
 */
export function fleetSessionsKept(): Check {
  return {
    name: fleetSessionsKeptChecker.name,
    guarantee: fleetSessionsKeptChecker.guarantee,
    judge(events, ctx) {
      const names = fleetNames(events);
      if (!names) return { verdict: "unknown", summary: "no fleet in this run", evidence: [] };
      if (!asksToKeepSession(ctx.client)) return { verdict: "unknown", summary: "the devices do not ask to keep their sessions (clean session): nothing to resume", evidence: [] };
      const stop = events.find((e) => isLab(e, "device.stopping"))?.t ?? Infinity;
      const idOf = new Map<string, string>();
      for (const e of events) if (isDeviceOp(e, "start") && e.cfg && !idOf.has(e.device)) idOf.set(e.device, String(e.cfg.client_id));
      const connacks = events.filter((e) => isBroker(e, "connack"));
      const exits = events.filter((e) => isBroker(e, "exit"));
      const bad: Evidence[] = [];
      let kept = 0;
      let unknown = 0;
      for (const name of names) {
        const ups = events.filter((e): e is TimelineEvent => isDevice(e, "up") && e.device === name && e.t < stop);
        // The k-th connection the client reports up is the k-th CONNECT the broker accepted for
        // its client id: by order, not by time (the broker's log can reach the host seconds
        // after the device's line, or before it).
        const accepted = connacks.filter((c) => c.client === idOf.get(name) && c.reason === 0);
        for (const [i, up] of ups.entries()) {
          if (i === 0) continue;
          const prev = ups[i - 1]!.t;
          const present = typeof up.session_present === "boolean" ? up.session_present : accepted[i]?.sessionPresent;
          // 3.1.1: a session begun with Clean Session 1 (a clean_init first connection) ends with its connection (§3.1.2.4).
          const began = accepted[i - 1];
          if (present === undefined) unknown++;
          else if (present) kept++;
          else if (ctx.protocol === "3.1.1" && began?.cleanStart === true) continue;
          else {
            const exit = exits.find((x) => x.t > prev && x.t < up.t);
            bad.push({
              t: up.t,
              device: name,
              charged: exit && !ctx.broker.durable ? "broker" : "client",
              text: `${name}: up at ${at(up.t)} without its session (Session Present 0)${exit ? `; the broker exited at ${at(exit.t)} (${String(exit.how)}, ${ctx.broker.durable ? "durable" : "not durable"})` : "; the broker kept running"}`,
            });
          }
        }
      }
      const charged = bad.filter((e) => e.charged === "client");
      if (charged.length) {
        const devices = [...new Set(charged.map((e) => String(e.device)))];
        return { verdict: "fail", summary: `${charged.length} reconnect(s) of ${devices.length} device(s) lost the session they asked to keep: ${devices.slice(0, 8).join(", ")}${devices.length > 8 ? ", …" : ""}`, evidence: firstN(bad, 20) };
      }
      if (kept === 0) return { verdict: "unknown", summary: unknown ? `${unknown} reconnect(s), none with a Session Present flag from the adapter or the broker's log` : "no device reconnected: no session to find", evidence: firstN(bad) };
      return { verdict: "pass", summary: `${kept} reconnect(s) found their kept session${bad.length ? `; ${bad.length} lost it to the broker's exit` : ""}${unknown ? `; ${unknown} without a flag` : ""}`, evidence: firstN(bad) };
    },
  };
}
