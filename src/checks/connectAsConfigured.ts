import { at } from "../timeline/event.ts";
import type { WirePacket } from "../timeline/events.ts";
import { isDeviceUp } from "../timeline/is.ts";
import type { ClientConfig } from "../mqtt/client.ts";
import { sameWire } from "../mqtt/values.ts";
import { defineChecker, firstN, type Check, type Evidence } from "./check.ts";
import { NOT_EXERCISED, configAt, wireConnections } from "./promises.ts";

export const connectAsConfiguredChecker = defineChecker({
  name: "connectAsConfigured",
  group: "resilience",
  everyRun: true,
  guarantee:
    "every CONNECT the client sends says what the application configured (agent protocol `start`): protocol level, client id, keepalive, the clean flag (clean_init until the first connection is up, clean after it; MQTT 3.1.1's wipe-then-keep first connection allowed), the will (topic, payload, QoS, retain, v5 properties), user name and password present as given, and the v5 Session Expiry Interval and CONNECT properties asked for",
  bound: "— (exact: the configuration of the last `start` before the CONNECT)",
  factory: connectAsConfigured,
});

const utf8Length = (s: string): number => new TextEncoder().encode(s).length;

/** A property as asked and as parsed: mqtt-packet reads one-byte flags (requestProblemInformation, payloadFormatIndicator) as booleans. */
function sameProp(got: unknown, asked: unknown): boolean {
  if (typeof got === "boolean" && typeof asked === "number") return got === (asked !== 0);
  if (typeof asked === "boolean" && typeof got === "number") return asked === (got !== 0);
  return sameWire(got, asked);
}

/** Each difference between one CONNECT and the configuration, as "keepalive 60, configured 4". */
export function connectDifferences(p: WirePacket, cfg: ClientConfig, cleanOk: boolean[], willPropsUnsupported: boolean): string[] {
  const out: string[] = [];
  const version = cfg.protocol === "5" ? 5 : 4;
  if (p.protocolVersion !== version) out.push(`protocol level ${String(p.protocolVersion)}, configured MQTT ${cfg.protocol} (${version})`);
  if (cfg.client_id !== "" && p.clientId !== cfg.client_id) out.push(`client id "${String(p.clientId)}", configured "${cfg.client_id}"`);
  if (p.keepalive !== cfg.keepalive) out.push(`keepalive ${String(p.keepalive)} s, configured ${cfg.keepalive} s`);
  if (!cleanOk.includes(!!p.clean)) out.push(`${version === 5 ? "clean start" : "clean session"} ${p.clean ? 1 : 0}, configured ${cleanOk.map((c) => (c ? 1 : 0)).join(" or ")}`);
  const will = (p as { will?: Record<string, unknown> }).will;
  if (cfg.will) {
    if (!will) out.push(`no will, configured one on ${cfg.will.topic}`);
    else {
      if (will.topic !== cfg.will.topic) out.push(`will topic "${String(will.topic)}", configured "${cfg.will.topic}"`);
      if (!sameWire(will.payload, cfg.will.payload)) out.push(`will payload ${JSON.stringify(will.payload)}, configured ${JSON.stringify(cfg.will.payload)}`);
      if ((will.qos ?? 0) !== (cfg.will.qos ?? 0)) out.push(`will QoS ${String(will.qos)}, configured ${cfg.will.qos ?? 0}`);
      if (!!will.retain !== !!cfg.will.retain) out.push(`will retain ${will.retain ? 1 : 0}, configured ${cfg.will.retain ? 1 : 0}`);
      if (version === 5 && !willPropsUnsupported) {
        const got = (will.props ?? {}) as Record<string, unknown>;
        for (const [k, v] of Object.entries(cfg.will.props ?? {})) if (!sameProp(got[k], v)) out.push(`will property ${k} ${JSON.stringify(got[k] ?? null)}, configured ${JSON.stringify(v)}`);
      }
    }
  } else if (will) out.push(`a will on ${String(will.topic)}, none configured`);
  const username = (p as { username?: string }).username;
  if (cfg.user) {
    if (username !== cfg.user) out.push(username === undefined ? `no user name, configured "${cfg.user}"` : `user name "${username}", configured "${cfg.user}"`);
  } else if (username) out.push(`user name "${username}", none configured`);
  const pw = (p as { passwordBytes?: number }).passwordBytes;
  if (cfg.password) {
    if (pw !== utf8Length(cfg.password)) out.push(pw === undefined ? "no password, one configured" : `a password of ${pw} bytes, configured ${utf8Length(cfg.password)}`);
  } else if (pw) out.push(`a password of ${pw} bytes, none configured`);
  if (version === 5) {
    const props = (p.props ?? {}) as Record<string, unknown>;
    const asked: Record<string, unknown> = { ...(cfg.connect_props ?? {}) };
    const expiry = asked.sessionExpiryInterval ?? cfg.session_expiry ?? 0;
    delete asked.sessionExpiryInterval;
    if (((props.sessionExpiryInterval as number | undefined) ?? 0) !== expiry) out.push(`Session Expiry Interval ${String(props.sessionExpiryInterval ?? 0)} s, configured ${String(expiry)} s`);
    for (const [k, v] of Object.entries(asked)) if (!sameProp(props[k], v)) out.push(`CONNECT property ${k} ${JSON.stringify(props[k] ?? null)}, configured ${JSON.stringify(v)}`);
  }
  return out;
}

/**
 * Client promise (agent protocol `start`, MQTT §3.1.2): the CONNECT is what the application
 * asked for. Which clean flag is right depends on where the connection falls: until the
 * client's first connection after a `start` is up, `clean_init`; after it, `clean`. In MQTT
 * 3.1.1 a clean_init with a kept session is a clean connection, left, then an unclean one
 * (mqtt_as's power-up, README §4.4.2; the other agents do the same), so both flags are right
 * there. A client id configured empty asks the broker to assign one and is not judged here.
 */
export function connectAsConfigured(): Check {
  return {
    name: connectAsConfiguredChecker.name,
    guarantee: connectAsConfiguredChecker.guarantee,
    judge(events, ctx) {
      const willPropsUnsupported = ctx.manifest.unsupported["will-properties"] !== undefined;
      const connects = wireConnections(events).flatMap((c) => (c.connect ? [{ c, p: c.connect }] : []));
      if (connects.length === 0) return { verdict: "pass", summary: `${NOT_EXERCISED}the client sent no CONNECT on the tapped wire`, evidence: [] };
      const bad: Evidence[] = [];
      for (const { c, p } of connects) {
        const { cfg, since } = configAt(events, p.t, ctx);
        // The first connection after this start: no `up` of the client between the start and this CONNECT.
        const first = !events.some((e) => isDeviceUp(e) && e.t >= since && e.t < p.t);
        const cleanOk = first ? (cfg.protocol === "3.1.1" && cfg.clean_init && !cfg.clean ? [true, false] : [cfg.clean_init]) : [cfg.clean];
        const diffs = connectDifferences(p, cfg, cleanOk, willPropsUnsupported);
        if (diffs.length) bad.push({ t: p.t, charged: "client", text: `CONNECT on connection ${c.conn} at ${at(p.t)} (${first ? "first connection" : "a reconnect"}): ${diffs.join("; ")}` });
      }
      const n = connects.length;
      if (bad.length) return { verdict: "fail", summary: `${bad.length} of ${n} CONNECT(s) differ from the configuration`, evidence: firstN(bad) };
      const last = connects.at(-1)!.p;
      return {
        verdict: "pass",
        summary: `${n} CONNECT(s), each as configured`,
        evidence: [{ t: last.t, text: `last CONNECT at ${at(last.t)}: client id "${String(last.clientId)}", keepalive ${String(last.keepalive)} s, clean ${last.clean ? 1 : 0}` }],
      };
    },
  };
}

