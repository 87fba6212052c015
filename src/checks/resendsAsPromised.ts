import { at } from "../timeline/event.ts";
import type { WirePacket } from "../timeline/events.ts";
import { defineChecker, firstN, type Check, type Evidence } from "./check.ts";
import { NOT_EXERCISED, NOT_PROMISED, SLACK_S, clientDownIn, configAt, describePublish, disturbances, disturbed, messageKey, responseTimeS, watchedUntil, wireConnections } from "./promises.ts";

export const resendsAsPromisedChecker = defineChecker({
  name: "resendsAsPromised",
  group: "resilience",
  everyRun: true,
  guarantee:
    "a QoS 1 PUBLISH the broker does not acknowledge is resent as the client's documentation promises (manifest `promises.resend`): on the same connection only if it promises so and the protocol allows it (never in MQTT 5: MQTT-4.4.0-1) — then with DUP 1 and the same packet id, not before its response time and not much after, at most its republish limit times, and the connection given up after the limit; after a reconnect with a new packet id or the same one, as it promises",
  bound: "a resend ≥ response time − 0.3 s and ≤ response time + 2 s slack after the previous send (mqtt_as: response_time), at most `limit` resends per connection (mqtt_as: max_repubs 4)",
  factory: resendsAsPromised,
});

/** How much earlier than promised a resend may reach the tap (its first send may have reached it late). */
const EARLY_MS = 300;

interface Pending {
  first: WirePacket;
  last: WirePacket;
  resends: number;
}

/**
 * Client promise (its manifest's `promises.resend` and `responseTime`, each with its doc).
 * A resend is a QoS 1 PUBLISH with a packet id still unacknowledged on its connection and the
 * same topic and payload. Timing is judged only where no fault, power change or the client's
 * own `down` touched the wait; a message that simply never went unacknowledged long enough
 * leaves the check "not exercised" — most runs.
 */
export function resendsAsPromised(): Check {
  return {
    name: resendsAsPromisedChecker.name,
    guarantee: resendsAsPromisedChecker.guarantee,
    judge(events, ctx) {
      const promise = ctx.manifest.promises?.resend;
      if (!promise) return { verdict: "pass", summary: `${NOT_PROMISED}${ctx.manifest.name}'s manifest promises no resend policy (promises.resend)`, evidence: [] };
      const ds = disturbances(events, (ctx.client.response_time + SLACK_S) * 1000);
      const bad: Evidence[] = [];
      const seen: Evidence[] = [];
      let judged = 0;
      let publishes = 0;
      /** Unacknowledged when their connection ended: what a reconnect promise is about. */
      const carried: { p: WirePacket; conn: number }[] = [];
      const conns = wireConnections(events);
      for (const c of conns) {
        const { cfg } = configAt(events, c.connect?.t ?? c.packets[0]?.t ?? 0, ctx);
        const rt = responseTimeS(ctx.manifest, cfg);
        const afterMs = promise.afterS !== undefined ? promise.afterS * 1000 : rt ? rt.s * 1000 : undefined;
        const afterWords = promise.afterS !== undefined ? `${promise.afterS} s` : rt ? `its response time (${rt.from})` : "";
        const end = watchedUntil(c, events);
        const pending = new Map<number, Pending>();
        /** The wait after `x`'s last send: judged when it ran past the promise undisturbed. */
        const judgeWait = (x: Pending, until: number, what: string) => {
          if (!promise.withinConnection || afterMs === undefined) return;
          const due = x.last.t + afterMs + SLACK_S * 1000;
          if (until <= due || end < due) return;
          if (disturbed(ds, x.last.t, due) || clientDownIn(events, x.last.t, due)) return;
          judged++;
          const limitHit = promise.limit !== undefined && x.resends >= promise.limit;
          bad.push({
            t: due,
            charged: "client",
            text: limitHit
              ? `connection ${c.conn}: ${describePublish(x.first)} resent ${x.resends} time(s), the limit, and still unacknowledged at ${at(x.last.t)}; the connection stayed open until ${what} — promised: ${promise.afterLimit ?? "to give up"} (${promise.doc})`
              : `connection ${c.conn}: ${describePublish(x.first)} last sent at ${at(x.last.t)}, unacknowledged, not resent by ${at(due)} (${what}) — promised a resend after ${afterWords} (${promise.doc})`,
          });
        };
        for (const p of c.packets) {
          if (p.dir === "down" && p.cmd === "puback" && p.messageId !== undefined) {
            const x = pending.get(p.messageId);
            if (x) judgeWait(x, p.t, `its PUBACK at ${at(p.t)}`);
            pending.delete(p.messageId);
            continue;
          }
          if (p.dir !== "up" || p.cmd !== "publish" || p.qos !== 1 || p.messageId === undefined) continue;
          const x = pending.get(p.messageId);
          if (!x || messageKey(x.first) !== messageKey(p)) {
            publishes++;
            pending.set(p.messageId, { first: p, last: p, resends: 0 });
            continue;
          }
          // A resend on the same connection.
          x.resends++;
          const gap = p.t - x.last.t;
          const what = `${describePublish(p)} at ${at(p.t)} on connection ${c.conn}, ${Math.round(gap)} ms after the previous send at ${at(x.last.t)} (resend ${x.resends})`;
          if (!promise.withinConnection) {
            judged++;
            bad.push({ t: p.t, charged: "client", text: `${what}: ${ctx.manifest.name} promises no resend within a connection (${promise.doc})` });
          } else if (ctx.protocol === "5") {
            // A promise cannot license what the protocol forbids: MQTT 5 lets a client resend
            // only when it reconnects with a session (MQTT 3.1.1 §4.4 does not forbid it).
            judged++;
            bad.push({ t: p.t, charged: "client", text: `${what}: MQTT 5 forbids a resend on a live connection ("Clients and Servers MUST NOT resend messages at any other time" than a reconnect with Clean Start 0, §4.4 [MQTT-4.4.0-1]), though ${ctx.manifest.name} promises it in either protocol (${promise.doc})` });
          } else {
            judged++;
            const faults: string[] = [];
            if (!p.dup) faults.push("DUP 0 on a resend");
            if (afterMs !== undefined && gap < afterMs - EARLY_MS) faults.push(`resent before ${afterWords} had passed`);
            if (afterMs !== undefined && gap > afterMs + SLACK_S * 1000 && !disturbed(ds, x.last.t, p.t)) faults.push(`resent more than ${SLACK_S} s after ${afterWords}`);
            if (promise.limit !== undefined && x.resends > promise.limit) faults.push(`resend ${x.resends} exceeds the limit of ${promise.limit}`);
            if (faults.length) bad.push({ t: p.t, charged: "client", text: `${what}: ${faults.join("; ")} (${promise.doc})` });
            else seen.push({ t: p.t, text: what });
          }
          x.last = p;
        }
        for (const x of pending.values()) {
          judgeWait(x, end, c.closedAt !== undefined ? `the connection closed at ${at(c.closedAt)}` : "the end of the run");
          carried.push({ p: x.first, conn: c.conn });
        }
      }
      // After a reconnect: the message again, on a later connection, with the id it promises.
      for (const { p, conn } of carried) {
        const again = conns.filter((c) => c.conn > conn).flatMap((c) => c.packets.filter((q) => q.dir === "up" && q.cmd === "publish" && messageKey(q) === messageKey(p)).map((q) => ({ q, c: c.conn })))[0];
        if (!again) continue;
        const what = `${describePublish(p)} unacknowledged on connection ${conn}, published again at ${at(again.q.t)} on connection ${again.c} with id ${again.q.messageId}`;
        if (promise.onReconnect === "new-id" && again.q.messageId === p.messageId) {
          judged++;
          bad.push({ t: again.q.t, charged: "client", text: `${what}: promised a new packet id (${promise.doc})` });
        } else if (promise.onReconnect === "same-id" && again.q.messageId !== p.messageId) {
          judged++;
          bad.push({ t: again.q.t, charged: "client", text: `${what}: promised the same packet id (${promise.doc})` });
        } else if (promise.onReconnect !== "none") {
          judged++;
          seen.push({ t: again.q.t, text: `${what}, as promised (${promise.onReconnect})` });
        }
      }
      if (bad.length) return { verdict: "fail", summary: `${bad.length} resend(s) or wait(s) not as ${ctx.manifest.name} promises`, evidence: firstN(bad) };
      if (judged === 0) return { verdict: "pass", summary: `${NOT_EXERCISED}no QoS 1 PUBLISH of ${publishes} went unacknowledged past the response time on an undisturbed connection, and none was published again after a reconnect`, evidence: [] };
      return { verdict: "pass", summary: `${judged} resend(s) or republication(s), each as promised`, evidence: firstN(seen) };
    },
  };
}
