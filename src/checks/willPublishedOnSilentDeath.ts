import type { TimelineEvent } from "../timeline/event.ts";
import { at } from "../timeline/event.ts";
import { isFault, isLab, isWirePacket } from "../timeline/is.ts";
import { sameWire } from "../mqtt/values.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker } from "./check.ts";
import type { CheckContext } from "./context.ts";
import { describe, receiptsOf, receiverName, type Receiver } from "./receipts.ts";

/** MQTT-3.1.2-24 (3.1.1), MQTT-3.1.2-22 (5): the broker gives a silent client 1.5 × its keepalive. */
export const KEEPALIVE_GRACE = 1.5;

/**
 * How late a broker kind may notice a silent connection and send a delayed will, beyond the
 * spec's 1.5 × keepalive and Will Delay Interval, from its own code (measured figures in
 * docs/findings.md, "Wills on silent death"):
 * - mosquitto 2.0.11 (src/keepalive.c of the 2.0 line): it looks at keepalives only when its
 *   whole-second clock has moved more than 5 s past its last look (`last_keepalive_check + 5 <
 *   db.now_s`: every 6 s), and a client is silent once `now_s - last_msg_in > keepalive*3/2` in
 *   whole seconds: up to 6 s + 1 s after 1.5 × keepalive (measured: 6.0 to 11.2 s after the last
 *   packet for keepalive 4 s, docs/findings.md). Delayed wills (src/will_delay.c) go out once
 *   their whole-second time is strictly past: 1 s.
 * - mochi 2.7 (clients.go refreshDeadline): a socket deadline of keepalive + keepalive/2 s set
 *   at every packet: none (for an even keepalive; an odd one is rounded down, which the early
 *   bound catches). Delayed wills (server.go sendDelayedLWT): a 1 s ticker, whole-second expiry
 *   compared strictly: 2 s.
 * - aedes 1.2 (lib/handlers/connect.js setKeepAlive): a timer of keepalive × 1500 + 1 ms,
 *   refreshed at every packet: none. It speaks MQTT 3.1.1 only.
 * A kind not listed has no known granularity: a will later than the spec's bound is `unknown`.
 */
export const BROKER_GRANULARITY: Readonly<Record<string, { keepaliveMs: number; willDelayMs: number; source: string }>> = {
  mosquitto: { keepaliveMs: 7000, willDelayMs: 1000, source: "mosquitto 2.0 looks at keepalives every 6 s of its whole-second clock (src/keepalive.c); delayed wills on whole seconds (src/will_delay.c)" },
  mochi: { keepaliveMs: 0, willDelayMs: 2000, source: "mochi sets a socket deadline of 1.5 × keepalive at every packet (clients.go refreshDeadline); delayed wills on a 1 s ticker with whole-second expiry (server.go sendDelayedLWT)" },
  aedes: { keepaliveMs: 0, willDelayMs: 0, source: "aedes refreshes a keepalive × 1500 + 1 ms timer at every packet (lib/handlers/connect.js)" },
};

export const willPublishedOnSilentDeathChecker = defineChecker({
  name: "willPublishedOnSilentDeath",
  group: "compliance",
  guarantee:
    "a device that dies silently (no DISCONNECT, no FIN) has its will published once the broker's keepalive runs out: not before 1.5 × keepalive after its last packet (MQTT-3.1.2-24; MQTT 5: MQTT-3.1.2-22, plus the Will Delay Interval, or the session's end if sooner, §3.1.3.2.2), and not much after",
  bound:
    "from the client's last packet before the death: 1.5 × keepalive (+ the will delay) at the earliest; at the latest that + the broker kind's check granularity (mosquitto 7 s, mochi 0 s, aedes 0 s; will delay: mosquitto 1 s, mochi 2 s) + one delivery bound",
  factory: willPublishedOnSilentDeath,
  example: () => willPublishedOnSilentDeath({ topic: "t", payload: "gone" }),
});

/** The will's latest moment after the death, as a scenario waits for it (the checker's late bound, from the death itself). */
export function willWithinMs(ctx: Pick<CheckContext, "broker" | "bounds">, keepaliveS: number, willDelayS = 0): number {
  const g = BROKER_GRANULARITY[ctx.broker.kind] ?? { keepaliveMs: 0, willDelayMs: 0 };
  return KEEPALIVE_GRACE * keepaliveS * 1000 + g.keepaliveMs + (willDelayS > 0 ? willDelayS * 1000 + g.willDelayMs : 0) + ctx.bounds.deliveryMs;
}

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/**
 * The will of a silently dead device reaches `to` (default the observer) on `topic` with
 * `payload`, between its earliest and latest moment. The death is the `silentDeath` fault
 * (src/faults/silentDeath.ts); the keepalive, the will and its delay are read from the last
 * CONNECT the wire tap saw before it (the CONNACK's Server Keep Alive wins, MQTT 5), else from
 * the run's client settings and `willDelayS`. Times run from the client's last packet: the
 * earliest from the last one the broker answered before the wire went silent, the latest from
 * the last one sent before the silence was in place (without a tap: from the death itself, and
 * one keepalive before it for the earliest, since a client sends something every keepalive).
 */
export function willPublishedOnSilentDeath(p: { to?: Receiver; topic: string; payload: string; willDelayS?: number; name?: string }): Check {
  const to = p.to ?? "observer";
  const who = receiverName(to);
  return {
    name: p.name ?? willPublishedOnSilentDeathChecker.name,
    guarantee: willPublishedOnSilentDeathChecker.guarantee,
    judge(events, ctx) {
      const start = events.find((e) => isFault(e, "start") && e.fault === "silentDeath");
      if (!start) return { verdict: "unknown", summary: "no silent death (silentDeath fault) on the timeline", evidence: [] };
      const injected = events.find((e) => isFault(e, "injected") && e.fault === "silentDeath" && e.t >= start.t) ?? start;
      const off = events.find((e) => isLab(e, "device.power") && e.on === false && e.t >= start.t);
      const death = off ?? injected;
      const evidence: Evidence[] = [{ t: death.t, text: `the device died silently at ${at(death.t)} (its link silenced from ${at(start.t)}, the power off ${off ? `at ${at(off.t)}` : "(not recorded)"})` }];

      // What the broker was told: the last CONNECT before the death, and its CONNACK.
      const before = (t: number) => (e: TimelineEvent) => e.t <= t;
      const up = events.filter((e) => isWirePacket(e) && e.dir === "up");
      const connect = up.filter(before(start.t)).filter((e) => isWirePacket(e) && e.cmd === "connect").at(-1);
      const connack = connect ? events.find((e) => isWirePacket(e) && e.dir === "down" && e.cmd === "connack" && e.t >= connect.t && e.t <= start.t) : undefined;
      const serverKeepalive = num((connack?.props as Record<string, unknown> | undefined)?.serverKeepAlive);
      const keepalive = serverKeepalive ?? num(connect?.keepalive) ?? ctx.client.keepalive;
      const will = connect?.will as { topic?: unknown; payload?: unknown; props?: Record<string, unknown> } | undefined;
      if (connect && !will) {
        return { verdict: "fail", summary: `the device's last CONNECT (${at(connect.t)}) carried no will: there was nothing for the broker to publish`, evidence: [...evidence, { t: connect.t, charged: "client", text: `CONNECT at ${at(connect.t)} without a will (expected ${p.topic})` }] };
      }
      if (!keepalive) return { verdict: "unknown", summary: "keepalive 0: the broker has no timer to notice a silent death by", evidence };
      // MQTT 5: the will waits its delay, or less when the session ends sooner (§3.1.3.2.2).
      const willDelay = num(will?.props?.willDelayInterval) ?? (connect ? 0 : (p.willDelayS ?? 0));
      if (connect && ctx.protocol === "5" && p.willDelayS !== undefined && willDelay !== p.willDelayS)
        return { verdict: "fail", summary: `the device's CONNECT (${at(connect.t)}) carried Will Delay Interval ${willDelay} s, not the ${p.willDelayS} s it was given`, evidence: [...evidence, { t: connect.t, charged: "client", text: `CONNECT at ${at(connect.t)}: will ${JSON.stringify(will)}` }] };
      const expiry = ctx.protocol === "5" ? (num((connect?.props as Record<string, unknown> | undefined)?.sessionExpiryInterval) ?? (connect ? 0 : ctx.client.session_expiry)) : undefined;
      const delay = expiry === undefined ? 0 : Math.min(willDelay, expiry);
      const kaText = `keepalive ${keepalive} s${serverKeepalive !== undefined ? " (the broker's Server Keep Alive)" : connect ? ` (CONNECT at ${at(connect.t)})` : " (the run's setting: no wire tap)"}`;
      const delayText = ctx.protocol === "5" ? `, will delay ${delay} s${willDelay !== delay ? ` (the session's ${expiry} s expiry, sooner than the ${willDelay} s Will Delay Interval)` : ""}` : "";

      // The broker's clock runs from the client's last packet it read. The earliest moment runs
      // from the last one it is known to have read — answered before the silence (a packet in
      // flight as the wire went silent may have been dropped) — the latest from the last one
      // sent before the silence was in place.
      const answeredBy = events.filter((e) => isWirePacket(e) && e.dir === "down" && e.t <= start.t).at(-1);
      const lastEarly = answeredBy ? up.filter(before(answeredBy.t)).at(-1) : undefined;
      const lastLate = up.filter(before(injected.t)).at(-1);
      const graceMs = KEEPALIVE_GRACE * keepalive * 1000;
      const earliestFrom = lastEarly?.t ?? death.t - keepalive * 1000;
      const latestFrom = lastLate?.t ?? death.t;
      const g = BROKER_GRANULARITY[ctx.broker.kind];
      const earliest = earliestFrom + graceMs + delay * 1000;
      const latest = latestFrom + graceMs + (g?.keepaliveMs ?? 0) + (delay > 0 ? delay * 1000 + (g?.willDelayMs ?? 0) : 0) + ctx.bounds.deliveryMs;
      const packet = (e: TimelineEvent) => `${String(e.cmd).toUpperCase()} at ${at(e.t)}`;
      const lastText = lastLate ? `the client's last packet (${packet(lastLate)})` : "the death (no wire tap)";
      const earlyText = lastEarly && lastEarly !== lastLate ? `; the earliest from the last one the broker answered (${packet(lastEarly)})` : !lastEarly ? "; the earliest from a keepalive before the death" : "";
      const bound = `${kaText}${delayText}: not before ${at(earliest)}, by ${at(latest)} (1.5 × keepalive${delay ? " + will delay" : ""} from ${lastText}, + ${ctx.broker.kind}'s granularity ${g ? `${g.keepaliveMs}${delay ? ` + ${g.willDelayMs}` : ""} ms` : "unknown"} + delivery ${ctx.bounds.deliveryMs} ms${earlyText})`;
      evidence.push({ text: bound });

      const wills = receiptsOf(events, to).filter((r) => r.topic === p.topic && sameWire(r.payload, p.payload));
      const got = wills.find((r) => r.t >= start.t);
      const stray = wills.find((r) => r.t < start.t);
      if (stray) evidence.push({ t: stray.t, text: `${describe(stray)} — before the death: a will the device had not earned` });
      if (!got) {
        const watched = events.find((e) => isLab(e, "scenario.end"))?.t ?? events.at(-1)?.t ?? death.t;
        if (watched < latest && !stray) return { verdict: "unknown", summary: `${who} saw no will, but the run stopped watching at ${at(watched)}, before ${at(latest)}`, evidence };
        evidence.push({ t: watched, charged: "broker", text: `${who} never received the will on ${p.topic} (watched until ${at(watched)})` });
        return { verdict: "fail", summary: `no will on ${p.topic} after the silent death at ${at(death.t)} (${kaText}; due by ${at(latest)})`, evidence };
      }
      const sinceLast = got.t - (lastLate?.t ?? death.t);
      evidence.push({ t: got.t, text: `${describe(got)} — ${Math.round(got.t - death.t)} ms after the death, ${Math.round(sinceLast)} ms after ${lastText}` });
      if (stray) return { verdict: "fail", summary: `${who} received the will on ${p.topic} at ${at(stray.t)}, before the device died at ${at(death.t)}`, evidence };
      if (got.t < earliest)
        return {
          verdict: "fail",
          summary: `will published too early: ${at(got.t)}, ${Math.round(earliest - got.t)} ms before 1.5 × keepalive${delay ? " + will delay" : ""} could have run out (${at(earliest)})`,
          evidence: evidence.map((e) => (e.t === got.t ? { ...e, charged: "broker" as const } : e)),
        };
      if (got.t > latest) {
        if (!g) return { verdict: "unknown", summary: `will at ${at(got.t)}, after the spec's bound ${at(latest)}, but ${ctx.broker.kind}'s check granularity is not known`, evidence };
        return { verdict: "fail", summary: `will published late: ${at(got.t)}, ${Math.round(got.t - latest)} ms after ${at(latest)}`, evidence: evidence.map((e) => (e.t === got.t ? { ...e, charged: "broker" as const } : e)) };
      }
      return { verdict: "pass", summary: `will received ${Math.round(got.t - death.t)} ms after the silent death (${kaText}${delayText}; between ${at(earliest)} and ${at(latest)})`, evidence };
    },
  };
}
