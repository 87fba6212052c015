import { at, type TimelineEvent } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker } from "./check.ts";
import { isFault, isLab, isWire, isWirePacket } from "../timeline/is.ts";
import type { CheckContext } from "./context.ts";

/** Scheduling slack on a loaded 2-core machine, as in the derived bounds. */
const SLACK_MS = 2000;

export const reattemptsAfterLostConnackChecker = defineChecker({
  name: "reattemptsAfterLostConnack",
  group: "resilience",
  guarantee: "a client whose CONNACK never came (dropped or held by a packet fault) does not wait for ever on that connection (MQTT §3.1.4 leaves the wait to the client; its response time is the promise): it gives the connection up itself and sends a new CONNECT on a new one",
  bound: "from the CONNECT whose CONNACK was lost: still waiting when the broker closes the connection later than one response time + 2 s fails; the new CONNECT within one response time (its wait) + one reconnect cycle + 2 s (mqtt_as, response 3 s: 3 + 10 + 2 = 15 s)",
  factory: reattemptsAfterLostConnack,
});

export function reattemptBoundMs(ctx: CheckContext): number {
  return ctx.client.response_time * 1000 + ctx.bounds.reconnectCycleMs + SLACK_MS;
}

/**
 * Each CONNACK a packet fault dropped or held (`fault packet` events, cmd connack): the CONNECT
 * it answered is the latest one on the same connection of the wire tap; the client must give
 * that connection up itself — a broker that closed it first, later than one response time and
 * the slack after the CONNECT, found the client still waiting — and a CONNECT on a newer
 * connection must follow within the bound. A held CONNACK the fault released on a connection the
 * client still waited on before the bound ran out answered it late: nothing to judge.
 */
export function reattemptsAfterLostConnack(): Check {
  return {
    name: reattemptsAfterLostConnackChecker.name,
    guarantee: reattemptsAfterLostConnackChecker.guarantee,
    judge(events: readonly TimelineEvent[], ctx) {
      const bound = reattemptBoundMs(ctx);
      const waitMs = ctx.client.response_time * 1000 + SLACK_MS;
      const why = `response time ${ctx.client.response_time} s + reconnect cycle ${ctx.bounds.reconnectCycleMs} ms + ${SLACK_MS} ms`;
      const lost = events.filter((e) => isFault(e, "packet") && e.cmd === "connack" && (e.what === "dropped" || e.what === "held"));
      if (!lost.length) return { verdict: "unknown", summary: "no CONNACK was dropped or held in this run", evidence: [] };
      const watchedUntil = events.find((e) => isLab(e, "device.stopping"))?.t ?? events.at(-1)?.t ?? 0;
      const evidence: Evidence[] = [];
      let failed = 0;
      let judged = 0;
      for (const l of lost) {
        if (!isFault(l, "packet")) continue;
        const connect = events.findLast((e) => isWirePacket(e) && e.dir === "up" && e.cmd === "connect" && e.conn === l.conn && e.t <= l.t);
        const from = connect?.t ?? l.t;
        const released = events.find((e) => isFault(e, "packet") && e.what === "released" && e.id === l.id && e.conn === l.conn && e.t >= l.t);
        const next = events.find((e) => isWirePacket(e) && e.dir === "up" && e.cmd === "connect" && e.conn > l.conn && e.t >= from);
        const took = next ? next.t - from : Infinity;
        const head = `CONNECT on connection ${l.conn} at ${at(from)}, its CONNACK ${l.what} by ${l.id} at ${at(l.t)}`;
        // The broker may end the wait first (its keepalive timeout on a client that sends
        // nothing): that is no reattempt of the client's own once the client's wait is over.
        const closed = events.find((e) => isWire(e, "close") && e.conn === l.conn && e.t >= from);
        if (closed && isWire(closed, "close") && closed.by === "broker" && closed.t - from > waitMs && (!next || closed.t < next.t)) {
          judged++;
          failed++;
          evidence.push({
            t: closed.t,
            charged: "client",
            text: `${head}; the client still waited on it when the broker closed the connection at ${at(closed.t)}, ${Math.round(closed.t - from)} ms after the CONNECT (its own wait: response time ${ctx.client.response_time} s + ${SLACK_MS} ms)`,
          });
          continue;
        }
        if (took <= bound) {
          judged++;
          evidence.push({ t: next!.t, text: `${head}; a new CONNECT on connection ${String(next!.conn)} at ${at(next!.t)} (${Math.round(took)} ms ≤ ${bound} ms)` });
          continue;
        }
        if (released && released.t < from + bound) {
          evidence.push({ t: released.t, text: `${head}; released at ${at(released.t)}, within the bound, while the client still waited on it: answered late, not lost` });
          continue;
        }
        if (from + bound > watchedUntil) {
          evidence.push({ t: from, text: `${head}; the run stopped watching at ${at(watchedUntil)}, before the ${bound} ms bound ran out` });
          continue;
        }
        judged++;
        failed++;
        evidence.push({
          t: from,
          charged: "client",
          text: next ? `${head}; the next CONNECT only at ${at(next.t)} on connection ${String(next.conn)} (${Math.round(took)} ms > bound ${bound} ms = ${why})` : `${head}; no new CONNECT followed (bound ${bound} ms = ${why})`,
        });
      }
      if (failed) return { verdict: "fail", summary: `${failed} of ${judged} lost CONNACK(s) left the client waiting past ${bound} ms`, evidence };
      if (!judged) return { verdict: "unknown", summary: "no lost CONNACK could be judged", evidence };
      return { verdict: "pass", summary: `after each of ${judged} lost CONNACK(s) the client tried a new connection within ${bound} ms`, evidence };
    },
  };
}
