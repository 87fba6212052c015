import { at, type TimelineEvent } from "../timeline/event.ts";
import type { Check, CheckResult, Evidence } from "./check.ts";
import { firstN } from "./check.ts";
import type { ClientConfig } from "../devices/device.ts";
import type { CheckContext } from "../scenario/dsl.ts";

/**
 * MQTT 3.1.1 §3.1.2.4 / §3.2.2.2 and v5 §3.1.2.4, §3.1.2.11.2, §3.2.2.1.1: the CONNACK's
 * Session Present flag says whether the broker resumed the client's session. A client that
 * reconnects with Clean Session 0 (v5: Clean Start 0 and a Session Expiry > 0) must find the
 * session a broker kept — `sessionResumed`; a client that reconnects with Clean Session /
 * Clean Start 1 must get Session Present 0 [MQTT-3.2.2-1, v5 MQTT-3.2.2-2] — `sessionClean`.
 * Judged on every `up` after the first (the first connection follows clean_init), from the
 * `session_present` the adapter reports. A broker that exits without persisting sessions
 * (not durable) loses them: a missing session after that is the broker's, not the client's.
 */

/** Whether the client asks the broker to keep its session across reconnects. */
export function asksToKeepSession(c: ClientConfig): boolean {
  return !c.clean && (c.protocol !== "5" || c.session_expiry > 0);
}

interface Reconnect {
  t: number;
  prevUp: number;
  present: boolean;
  /** Broker exits between the previous `up` and this one. */
  exits: TimelineEvent[];
}

/** The client's reconnects that carry a Session Present flag, or why there are none. */
function reconnects(events: readonly TimelineEvent[]): Reconnect[] | string {
  const ups = events.filter((e) => e.src === "device" && e.kind === "up");
  if (ups.length < 2) return "the client never reconnected: no session to compare";
  const out: Reconnect[] = [];
  for (let i = 1; i < ups.length; i++) {
    const up = ups[i]!;
    if (typeof up.session_present !== "boolean") continue;
    const prevUp = ups[i - 1]!.t;
    const exits = events.filter((e) => e.src === "broker" && e.kind === "exit" && e.t > prevUp && e.t < up.t);
    out.push({ t: up.t, prevUp, present: up.session_present, exits });
  }
  return out.length ? out : "the client's adapter does not report session_present on up: the broker's answer is not on the timeline";
}

function asked(c: ClientConfig): string {
  return c.protocol === "5" ? `clean start ${c.clean}, session expiry ${c.session_expiry} s, v5` : `clean session ${c.clean}, 3.1.1`;
}

export function sessionResumed(): Check {
  return {
    name: "sessionResumed",
    guarantee: "a reconnect with a kept session finds it (Session Present 1, MQTT §3.2.2.2)",
    judge(events, ctx) {
      if (!asksToKeepSession(ctx.client)) return { verdict: "unknown", summary: `the client does not ask to keep its session (${asked(ctx.client)}): nothing to resume`, evidence: [] };
      const rs = reconnects(events);
      if (typeof rs === "string") return { verdict: "unknown", summary: rs, evidence: [] };
      const evidence: Evidence[] = [];
      let resumed = 0;
      for (const r of rs) {
        const exit = r.exits[0];
        if (r.present) {
          resumed++;
          evidence.push({ t: r.t, text: `client up at ${at(r.t)} with its session (session_present=true)` });
        } else if (exit && !ctx.broker.durable) {
          evidence.push({ t: r.t, charged: "broker", text: `client up at ${at(r.t)} without its session; the broker (not durable) exited at ${at(exit.t)} (${String(exit.how)}) and lost it` });
        } else if (ctx.client.protocol === "5" && r.t - r.prevUp > ctx.client.session_expiry * 1000) {
          evidence.push({ t: r.t, text: `client up at ${at(r.t)} without its session, ${Math.round(r.t - r.prevUp)} ms after its previous up: the ${ctx.client.session_expiry} s session expiry may have run out` });
        } else {
          evidence.push({ t: r.t, charged: "client", text: missing(r, ctx) });
        }
      }
      return verdictOf(evidence, resumed, "reconnect(s) found the kept session");
    },
  };
}

function missing(r: Reconnect, ctx: CheckContext): string {
  const broker = r.exits.length ? `the durable broker restarted (exited at ${at(r.exits[0]!.t)})` : "the broker kept running";
  return `client up at ${at(r.t)} without its session (session_present=false) though it asks to keep it (${asked(ctx.client)}) and ${broker}: its CONNECT did not ask for the session, or used another client id`;
}

export function sessionClean(): Check {
  return {
    name: "sessionClean",
    guarantee: "a reconnect asking for a clean session gets none (Session Present 0, MQTT-3.2.2-1)",
    judge(events, ctx) {
      if (!ctx.client.clean) return { verdict: "unknown", summary: `the client reconnects without a clean start (${asked(ctx.client)}): nothing to judge`, evidence: [] };
      const rs = reconnects(events);
      if (typeof rs === "string") return { verdict: "unknown", summary: rs, evidence: [] };
      const evidence: Evidence[] = rs.map((r) =>
        r.present
          ? { t: r.t, charged: "client", text: `client up at ${at(r.t)} with an old session (session_present=true) though it asks for a clean one (${asked(ctx.client)}): its CONNECT did not set the clean flag` }
          : { t: r.t, text: `client up at ${at(r.t)} with a clean session (session_present=false)` },
      );
      return verdictOf(evidence, rs.filter((r) => !r.present).length, "reconnect(s) started clean");
    },
  };
}

function verdictOf(evidence: Evidence[], good: number, what: string): Omit<CheckResult, "name"> {
  const bad = evidence.filter((e) => e.charged === "client");
  if (bad.length) return { verdict: "fail", summary: `${bad.length} of ${evidence.length} reconnects broke the session the client asked for`, evidence: firstN([...bad, ...evidence.filter((e) => e.charged !== "client")]) };
  if (good === 0) return { verdict: "unknown", summary: "no reconnect could show the client's session handling (each is explained by the broker)", evidence: firstN(evidence) };
  return { verdict: "pass", summary: `${good} of ${evidence.length} ${what}`, evidence: firstN(evidence) };
}
