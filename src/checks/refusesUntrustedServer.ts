import { at, type TimelineEvent } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { isBroker, isDevice, isDeviceOp, isDeviceUp, isLab } from "../timeline/is.ts";

export const refusesUntrustedServerChecker = defineChecker({
  name: "refusesUntrustedServer",
  group: "compliance",
  guarantee: "MQTT §5.4.3 over TLS (§4.2): the client authenticates the server — given a CA that did not sign the server's certificate, it never connects",
  bound: "the connect bound after the client's start with the unrelated CA; a CONNECT or CONNACK later in the run still fails it",
  factory: refusesUntrustedServer,
});

/** The lab's mark: the client is about to be started with a CA that did not sign the server's certificate. */
export const UNTRUSTED_MARK = "tls.untrusted";
/** The lab's mark: the scenario stopped watching (the bound ran out, or the client came up). */
export const UNTRUSTED_END = "tls.untrusted.end";

/** mosquitto's log, without its time prefix. */
const line = (e: TimelineEvent): string | undefined => (isBroker(e, "log") && typeof e.line === "string" ? e.line.replace(/^\d+: /, "") : undefined);
/** mosquitto: a TLS handshake it gave up on ("Client connection from 127.0.0.1 failed: error:0A000418:SSL routines::tlsv1 alert unknown ca."). */
const HANDSHAKE_FAILED = /^Client connection from (\S+) failed: (.*)$/;
/** mosquitto: a socket accepted (for TLS: once the handshake is done on its side). */
const ACCEPTED = /^New connection from (\S+) on port (\d+)\.?$/;
/** mosquitto: a CONNECT read on an accepted connection. */
const CONNECTED = /^New client connected from (\S+) as (\S+) /;
/** mosquitto: a connection that ended before any CONNECT ("Client <unknown> disconnected: Protocol error."). */
const UNKNOWN_GONE = /^Client <unknown> (?:disconnected|closed its connection)/;
/** What in the client's own output speaks of the refusal. */
const WORDS = /cert|ssl|tls|handshake|verif|x509|trust|signed|\bCA\b|alert|error|fail|refus/i;

/**
 * TLS, MQTT 3.1.1 §5.4.3 / MQTT 5 §5.4.3 (authentication of the server by the client; a TLS
 * client does it by checking the server's certificate against the CA it trusts): a client
 * started with a CA that did not sign the server's certificate must not connect. The scenario
 * marks the moment (`lab tls.untrusted`, with the CA given and the bound) and the end of its
 * watch (`lab tls.untrusted.end`); the check judges the client's `start` after the mark.
 *
 * - fail: after that start the client reported `up`, its start was answered ok, or the broker
 *   read its CONNECT / sent it a CONNACK (mosquitto's log) — whenever in the rest of the run:
 *   a client that accepts the server late has accepted it all the same;
 * - pass: none of those for at least the bound after the start, and something shows the
 *   client tried: the broker saw a TLS connection fail or end before any CONNECT, or the client
 *   said it failed (its start's answer, an error, its own log lines). The evidence quotes both;
 * - unknown: no mark or no start after it, a watch shorter than the bound (a run cut short),
 *   or no sign at all that the client tried (a client that never connects proves nothing).
 */
export function refusesUntrustedServer(p: { guarantee?: string; name?: string } = {}): Check {
  return {
    name: p.name ?? "refusesUntrustedServer",
    guarantee:
      p.guarantee ?? refusesUntrustedServerChecker.guarantee,
    judge(events, ctx) {
      const m = events.findIndex((e) => isLab(e, UNTRUSTED_MARK));
      if (m < 0) return { verdict: "unknown", summary: "the run never started the client with an untrusted CA (no tls.untrusted mark)", evidence: [] };
      const mark = events[m]!;
      const withinMs = typeof mark.withinMs === "number" ? mark.withinMs : ctx.bounds.connectMs;
      const given = typeof mark.ca === "string" ? mark.ca : "an unrelated CA";
      const s = events.findIndex((e, i) => i > m && isDeviceOp(e, "start"));
      if (s < 0) return { verdict: "unknown", summary: `the client was never started with ${given} (no start after the mark at ${at(mark.t)})`, evidence: [] };
      const start = events[s]!;
      const after = events.slice(s + 1);
      const id = ctx.client.client_id;
      const tlsPort = typeof mark.tlsPort === "number" ? mark.tlsPort : undefined;
      const ack = after.find((e) => isDevice(e, "ack") && e.id === start.id && (start.device === undefined || e.device === start.device));
      const head: Evidence = {
        t: start.t,
        text: `at ${at(start.t)} the client was started with ${given}${typeof mark.serverIssuer === "string" ? `; the server's certificate was signed by ${mark.serverIssuer}` : ""}`,
      };

      // What says the client accepted the server.
      const accepted: Evidence[] = [];
      for (const e of after) {
        if (isDeviceUp(e)) accepted.push({ t: e.t, text: `the client reported up at ${at(e.t)}` });
        if (e === ack && e.ok === true) accepted.push({ t: e.t, text: `its start was answered ok at ${at(e.t)}: it says it is connected` });
        if (isBroker(e, "connack") && e.client === id)
          accepted.push({ t: e.t, text: `the broker sent it a CONNACK at ${at(e.t)} (Session Present ${e.sessionPresent ? 1 : 0}, code ${String(e.reason)})` });
        const l = line(e);
        const c = l ? CONNECTED.exec(l) : null;
        if (c && c[2] === id) accepted.push({ t: e.t, text: `the broker read its CONNECT at ${at(e.t)}: the TLS handshake had completed ("${l}")` });
      }
      if (accepted.length)
        return {
          verdict: "fail",
          summary: `the client connected to a server its CA did not vouch for: ${accepted[0]!.text} (started at ${at(start.t)} with ${given})`,
          evidence: firstN([head, ...accepted]),
        };

      // How long the run watched; the end mark, else the run's last event.
      const end = after.find((e) => isLab(e, UNTRUSTED_END)) ?? events[events.length - 1]!;
      const watched = end.t - start.t;
      if (watched < withinMs)
        return { verdict: "unknown", summary: `no CONNACK, but the run watched only ${Math.round(watched)} ms of the ${withinMs} ms bound after the start at ${at(start.t)}`, evidence: [head] };

      // What shows the client tried, and was refused: the broker's side…
      const broker: Evidence[] = [];
      let refused = 0;
      let firstRefused: number | undefined;
      const connectedFrom = new Set<string>();
      for (const e of after) {
        const l = line(e);
        const c = l ? CONNECTED.exec(l) : null;
        if (c) connectedFrom.add(c[1]!);
      }
      for (const e of after) {
        const l = line(e);
        if (!l) continue;
        const f = HANDSHAKE_FAILED.exec(l);
        if (f) {
          refused++;
          firstRefused ??= e.t;
          broker.push({ t: e.t, text: `the broker at ${at(e.t)}: the TLS handshake with ${f[1]} failed: ${f[2]}` });
        }
        const a = ACCEPTED.exec(l);
        if (a && (tlsPort === undefined || Number(a[2]) === tlsPort) && !connectedFrom.has(a[1]!)) {
          refused++;
          firstRefused ??= e.t;
          broker.push({ t: e.t, text: `the broker at ${at(e.t)}: a TLS connection from ${a[1]} (port ${a[2]}) that never sent CONNECT` });
        }
        if (UNKNOWN_GONE.test(l)) broker.push({ t: e.t, text: `the broker at ${at(e.t)}: "${l}"` });
      }
      // …and the client's own words.
      const client: Evidence[] = [];
      if (ack && ack.ok === false) client.push({ t: ack.t, text: `its start was answered at ${at(ack.t)}: ok false (${String(ack.err ?? "no reason")})`, said: ack.err });
      for (const e of after) {
        if (isDevice(e, "error")) client.push({ t: e.t, text: `the client raised at ${at(e.t)}: ${String(e.msg)}`, said: e.msg });
        if (isDevice(e, "log") && typeof e.line === "string" && WORDS.test(e.line))
          client.push({ t: e.t, text: `the client logged at ${at(e.t)}: ${e.line}`, said: e.line });
      }
      const tried = broker.length > 0 || client.length > 0;
      if (!tried)
        return {
          verdict: "unknown",
          summary: `no CONNACK within ${withinMs} ms, but nothing shows the client tried: the broker saw no TLS connection and the client said nothing`,
          evidence: [head],
        };
      const said = client.length ? `the client said: ${JSON.stringify(String(client[0]!.said))}` : "the client said nothing of it";
      const saw = refused
        ? `the broker saw ${refused} TLS connection${refused > 1 ? "s" : ""} fail or end before any CONNECT (the first at ${at(firstRefused ?? start.t)})`
        : broker.length
          ? `the broker: ${broker[0]!.text.replace(/^the broker at [\d.]+ s: /, "")}`
          : "the broker's log shows no connection";
      return {
        verdict: "pass",
        summary: `refused: no CONNACK in the ${Math.round(watched)} ms after the start with ${given} (bound ${withinMs} ms); ${saw}; ${said}`,
        evidence: firstN([head, ...broker.slice(0, 4), ...client.slice(0, 5)], 10),
      };
    },
  };
}
