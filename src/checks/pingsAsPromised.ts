import { at } from "../timeline/event.ts";
import { defineChecker, firstN, type Check, type Evidence } from "./check.ts";
import { NOT_EXERCISED, NOT_PROMISED, SLACK_S, clientDownIn, configAt, disturbances, disturbed, watchedUntil, wireConnections } from "./promises.ts";

export const pingsAsPromisedChecker = defineChecker({
  name: "pingsAsPromised",
  group: "resilience",
  everyRun: true,
  guarantee:
    "while a connection is up and quiet, the client sends PINGREQ as its documentation promises (manifest `promises.ping`: a fraction of the keepalive after its own last PINGREQ, or after the last acknowledgement it received) — MQTT §3.1.2.10 keep alive as the client implements it; stretches with a fault, a switched-off device or the client's own `down` are not judged",
  bound: "promised fraction × keepalive (or its interval for keepalive 0) + its timer's granularity + 2 s slack, from the CONNACK or the last reset of its clock (mqtt_as, keepalive 4 s: 1 + 0 + 2 = 3 s)",
  factory: pingsAsPromised,
});

/** What received from the broker resets an "ack-received" clock (MQTT.js's reschedulePing). */
const ACKS = new Set(["puback", "pubrec", "pubrel", "pubcomp", "suback", "unsuback", "pingresp", "auth"]);

/**
 * Client promise (its manifest's `promises.ping`, each with its doc): on a quiet connection a
 * PINGREQ comes no later than promised. A window opens at the CONNACK and at each reset of
 * the client's clock (its PINGREQ, or an acknowledgement it received, as it documents); it
 * fails only when the bound ran out while the connection was open and watched, nothing else
 * went up, no fault or power change touched it and the client had not called it dead.
 */
export function pingsAsPromised(): Check {
  return {
    name: pingsAsPromisedChecker.name,
    guarantee: pingsAsPromisedChecker.guarantee,
    judge(events, ctx) {
      const promise = ctx.manifest.promises?.ping;
      if (!promise) return { verdict: "pass", summary: `${NOT_PROMISED}${ctx.manifest.name}'s manifest promises no ping cadence (promises.ping)`, evidence: [] };
      const ds = disturbances(events, (ctx.client.response_time + SLACK_S) * 1000);
      const bad: Evidence[] = [];
      let judged = 0;
      let pings = 0;
      let longest: { ms: number; t: number; bound: number } | undefined;
      let zeroUnpromised = 0;
      for (const c of wireConnections(events)) {
        if (!c.connect || c.connackAt === undefined) continue;
        const { cfg } = configAt(events, c.connect.t, ctx);
        const intervalS = cfg.keepalive > 0 ? cfg.keepalive * promise.keepaliveFraction : promise.whenZeroS;
        if (intervalS === undefined) {
          zeroUnpromised++;
          continue;
        }
        const boundMs = Math.round((intervalS + promise.granularityS + SLACK_S) * 1000);
        const end = watchedUntil(c, events);
        const after = c.packets.filter((p) => p.t >= c.connackAt!);
        const pingreqs = after.filter((p) => p.dir === "up" && p.cmd === "pingreq");
        pings += pingreqs.length;
        // Each reset of the client's clock opens a window, and so does anything else it sends
        // (the broker heard from it then): a window fails when it outlives the bound quiet.
        const starts: { t: number; what: string }[] = [
          { t: c.connackAt, what: "CONNACK" },
          ...after
            .filter((p) => (promise.since === "pingreq" ? p.dir === "up" : (p.dir === "down" && ACKS.has(p.cmd)) || (p.dir === "up" && p.cmd !== "pingreq")))
            .map((p) => ({ t: p.t, what: p.dir === "down" ? `its ${p.cmd.toUpperCase()} received` : `its ${p.cmd.toUpperCase()}` })),
        ];
        for (let i = 0; i < starts.length; i++) {
          const { t: from, what } = starts[i]!;
          const due = from + boundMs;
          const ping = pingreqs.find((p) => p.t > from);
          if (ping && ping.t <= due) {
            judged++;
            const ms = ping.t - from;
            if (!longest || ms > longest.ms) longest = { ms, t: ping.t, bound: boundMs };
            continue;
          }
          const next = starts[i + 1];
          if (next !== undefined && next.t <= due) continue; // the clock was reset, or the client spoke, before it ran out
          if (end < due) continue; // the connection ended (or the tap lost it) before a ping was due
          if (disturbed(ds, from, due) || clientDownIn(events, from, due)) continue;
          judged++;
          const until = ping ? `the next PINGREQ only at ${at(ping.t)}` : c.closedAt !== undefined ? `no PINGREQ before the connection closed at ${at(c.closedAt)} (by ${c.closedBy})` : "no PINGREQ by the end of the run";
          bad.push({
            t: due,
            charged: "client",
            text: `connection ${c.conn}: quiet since ${at(from)} (${what}); ${until}; promised within ${+intervalS.toFixed(3)} s (${cfg.keepalive > 0 ? `${promise.keepaliveFraction} × keepalive ${cfg.keepalive} s` : "keepalive 0"}) + ${promise.granularityS} s granularity + ${SLACK_S} s slack = ${boundMs} ms (${promise.doc})`,
          });
        }
      }
      if (bad.length) return { verdict: "fail", summary: `${bad.length} quiet stretch(es) without the promised PINGREQ`, evidence: firstN(bad) };
      const zero = zeroUnpromised ? `; ${zeroUnpromised} connection(s) with keepalive 0, for which ${ctx.manifest.name} promises no pings` : "";
      if (judged === 0) return { verdict: "pass", summary: `${NOT_EXERCISED}no quiet stretch of a connection was long enough to need a PINGREQ${zero}`, evidence: [] };
      return {
        verdict: "pass",
        summary: `${pings} PINGREQ(s); each of ${judged} wait(s) for one within the bound${zero}`,
        evidence: longest ? [{ t: longest.t, text: `longest wait for a PINGREQ: ${Math.round(longest.ms)} ms (bound ${longest.bound} ms), at ${at(longest.t)}` }] : [],
      };
    },
  };
}
