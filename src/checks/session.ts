import { at, type TimelineEvent } from "../timeline/event.ts";
import type { Check, CheckResult, Evidence } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import type { ClientConfig } from "../mqtt/client.ts";
import { isClientStart } from "./history.ts";
import { isBroker, isDeviceUp } from "../timeline/is.ts";

/**
 * MQTT 3.1.1 §3.1.2.4 / §3.2.2.2 and v5 §3.1.2.4, §3.1.2.11.2, §3.2.2.1.1: the CONNACK's
 * Session Present flag says whether the broker resumed the client's session. A client that
 * connects with Clean Session 0 (v5: Clean Start 0 and a Session Expiry > 0) must find the
 * session a broker kept — `sessionResumed`; one that connects with Clean Session / Clean
 * Start 1 must get Session Present 0 [MQTT-3.2.2-1, v5 MQTT-3.2.2-2] — `sessionClean`.
 * Judged on every `up` after the run's first, from the `session_present` the adapter reports.
 * A reconnect asks with `clean`; the first connection after a power cycle asks with
 * `clean_init` (mqtt_as's clean_init=true, clean=false connects clean, drops, and reconnects:
 * its Session Present is not the answer to one flag, so sessionClean leaves it alone).
 * A broker that exits without persisting sessions (not durable) loses them: a missing session
 * after that is the broker's, not the client's.
 */

/** Whether the client asks the broker to keep its session across reconnects. */
export function asksToKeepSession(c: ClientConfig): boolean {
  return !c.clean && (c.protocol !== "5" || c.session_expiry > 0);
}

interface Reconnect {
  t: number;
  prevUp: number;
  present: boolean;
  /** The first connection of a restarted device (asked with clean_init). */
  restarted: boolean;
  /** Broker exits between the previous `up` and this one. */
  exits: TimelineEvent[];
}

/** The client's connections after its first that carry a Session Present flag, or why there are none. */
function laterConnections(events: readonly TimelineEvent[], clientId: string): Reconnect[] | string {
  const out: Reconnect[] = [];
  let prevUp: number | undefined;
  let restarted = false;
  let ups = 0;
  for (const e of events) {
    if (isClientStart(e)) restarted = prevUp !== undefined;
    if (!isDeviceUp(e)) continue;
    ups++;
    // The adapter's word, else the broker's own CONNACK for this client (mosquitto logs it).
    const present = typeof e.session_present === "boolean" ? e.session_present : brokerSaid(events, clientId, prevUp ?? -1, e.t);
    if (prevUp !== undefined && present !== undefined) {
      const from = prevUp;
      const exits = events.filter((x) => isBroker(x, "exit") && x.t > from && x.t < e.t);
      out.push({ t: e.t, prevUp: from, present, restarted, exits });
    }
    prevUp = e.t;
    restarted = false;
  }
  if (ups < 2) return "the client never reconnected: no session to compare";
  return out.length ? out : "neither the client's adapter nor the broker reported Session Present for its reconnects";
}

/** Session Present of the broker's last CONNACK to `clientId` between two of the client's ups. */
function brokerSaid(events: readonly TimelineEvent[], clientId: string, after: number, upTo: number): boolean | undefined {
  let found: boolean | undefined;
  for (const x of events) {
    if (x.t > upTo) break;
    if (x.t > after && isBroker(x, "connack") && x.client === clientId) found = x.sessionPresent === true;
  }
  return found;
}

/** The broker's CONNACK log for the connection that came up at `prevUp` says it began clean. */
function previousWasClean(events: readonly TimelineEvent[], clientId: string, prevUp: number): boolean {
  const connack = events.filter((x) => isBroker(x, "connack") && x.client === clientId && x.t <= prevUp).pop();
  return connack?.cleanStart === true;
}

function asked(c: ClientConfig, restarted: boolean): string {
  const flag = restarted ? `clean_init ${c.clean_init}` : `clean ${c.clean}`;
  return c.protocol === "5" ? `${flag}, session expiry ${c.session_expiry} s, v5` : `${flag}, 3.1.1`;
}

const upAt = (r: Reconnect) => `client up at ${at(r.t)}${r.restarted ? " after a device restart" : ""}`;

export const sessionResumedChecker = defineChecker({
  name: "sessionResumed",
  group: "resilience",
  guarantee: "MQTT §3.2.2.2: a reconnect asking to keep the session (clean=false, or clean_init=false for the first connection after a device restart; v5 also session expiry > 0) gets Session Present 1; after a non-durable broker's exit the loss is the broker's",
  bound: "v5: only within the session expiry",
  factory: sessionResumed,
});

export function sessionResumed(): Check {
  return {
    name: sessionResumedChecker.name,
    guarantee: sessionResumedChecker.guarantee,
    judge(events, ctx) {
      const c = ctx.client;
      const keeps = (restarted: boolean) => asksToKeepSession({ ...c, clean: restarted ? c.clean_init : c.clean });
      if (!keeps(false) && !keeps(true)) return { verdict: "unknown", summary: `the client never asks to keep its session (${asked(c, false)}; ${asked(c, true)}): nothing to resume`, evidence: [] };
      const all = laterConnections(events, ctx.client.client_id);
      if (typeof all === "string") return { verdict: "unknown", summary: all, evidence: [] };
      const rs = all.filter((r) => keeps(r.restarted));
      if (rs.length === 0) return { verdict: "unknown", summary: "no reconnect asked to keep the session", evidence: [] };
      const evidence: Evidence[] = [];
      let resumed = 0;
      for (const r of rs) {
        const exit = r.exits[0];
        if (r.present) {
          resumed++;
          evidence.push({ t: r.t, text: `${upAt(r)} with its session (session_present=true)` });
        } else if (exit && !ctx.broker.durable) {
          evidence.push({ t: r.t, charged: "broker", text: `${upAt(r)} without its session; the broker (not durable) exited at ${at(exit.t)} (${String(exit.how)}) and lost it` });
        } else if (c.protocol === "3.1.1" && previousWasClean(events, ctx.client.client_id, r.prevUp)) {
          // 3.1.1: a session begun with Clean Session 1 ends with its connection (§3.1.2.4),
          // so a first connection made clean (clean_init) leaves nothing to resume.
          evidence.push({ t: r.t, text: `${upAt(r)} without a session, rightly: the broker's log shows the previous connection began with Clean Session 1, which ends the session with the connection` });
        } else if (c.protocol === "5" && r.t - r.prevUp > c.session_expiry * 1000) {
          evidence.push({ t: r.t, text: `${upAt(r)} without its session, ${Math.round(r.t - r.prevUp)} ms after its previous up: the ${c.session_expiry} s session expiry may have run out` });
        } else {
          const broker = exit ? `the durable broker restarted (exited at ${at(exit.t)})` : "the broker kept running";
          evidence.push({
            t: r.t,
            charged: "client",
            text: `${upAt(r)} without its session (session_present=false) though it asks to keep it (${asked(c, r.restarted)}) and ${broker}: its CONNECT did not ask for the session, or used another client id`,
          });
        }
      }
      return verdictOf(evidence, resumed, "reconnect(s) found the kept session");
    },
  };
}

export const sessionCleanChecker = defineChecker({
  name: "sessionClean",
  group: "resilience",
  guarantee: "MQTT-3.2.2-1 (v5 MQTT-3.2.2-2): a reconnect with clean=true gets Session Present 0",
  bound: "—",
  factory: sessionClean,
});

export function sessionClean(): Check {
  return {
    name: sessionCleanChecker.name,
    guarantee: sessionCleanChecker.guarantee,
    judge(events, ctx) {
      const c = ctx.client;
      if (!c.clean) return { verdict: "unknown", summary: `the client reconnects without a clean start (${asked(c, false)}): nothing to judge`, evidence: [] };
      const all = laterConnections(events, ctx.client.client_id);
      if (typeof all === "string") return { verdict: "unknown", summary: all, evidence: [] };
      const rs = all.filter((r) => !r.restarted || c.clean_init);
      if (rs.length === 0) return { verdict: "unknown", summary: "no reconnect asked for a clean session by itself", evidence: [] };
      const evidence: Evidence[] = rs.map((r) =>
        r.present
          ? { t: r.t, charged: "client", text: `${upAt(r)} with an old session (session_present=true) though it asks for a clean one (${asked(c, r.restarted)}): its CONNECT did not set the clean flag` }
          : { t: r.t, text: `${upAt(r)} with a clean session (session_present=false)` },
      );
      return verdictOf(evidence, rs.filter((r) => !r.present).length, "reconnect(s) started clean");
    },
  };
}

function verdictOf(evidence: Evidence[], good: number, what: string): Omit<CheckResult, "name"> {
  const bad = evidence.filter((e) => e.charged === "client");
  if (bad.length) return { verdict: "fail", summary: `${bad.length} of ${evidence.length} reconnects broke the session the client asked for`, evidence: firstN([...bad, ...evidence.filter((e) => e.charged !== "client")]) };
  if (good === 0) return { verdict: "unknown", summary: "no reconnect could show the client's session handling (each is explained by the broker's exit or the session's expiry)", evidence: firstN(evidence) };
  return { verdict: "pass", summary: `${good} of ${evidence.length} ${what}`, evidence: firstN(evidence) };
}
