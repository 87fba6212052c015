import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { accessSync, constants } from "node:fs";
import { join } from "node:path";
import type { Lab } from "../lab/lab.ts";
import type { Protocol } from "../brokers/broker.ts";
import type { Timeline } from "../timeline/timeline.ts";
import type { TimelineEvent } from "../timeline/event.ts";
import { LabError } from "../lab/errors.ts";
import type { MatchSpec, MosquittoPubOptions, MosquittoSubHandle, MosquittoSubOptions, PeerHandle, PeerOptions, Received } from "./dsl.ts";
import { ExpectationFailed } from "./expectation.ts";
import { fromWire, toWire, wireBytes, type WireValue } from "./wire.ts";

/** A message event of `src`/`who` that matches topic (and payload when given). */
export function isReceipt(e: TimelineEvent, who: { src: string; kind: string; peer?: string }, m: MatchSpec): boolean {
  if (e.src !== who.src || e.kind !== who.kind) return false;
  if (who.peer !== undefined && e.peer !== who.peer) return false;
  return e.topic === m.topic && (m.payload === undefined || e.payload === m.payload);
}

/** Wait for a matching receipt: one already on the timeline counts. */
export async function awaitReceipt(
  tl: Timeline,
  signal: AbortSignal,
  who: { src: string; kind: string; peer?: string },
  m: MatchSpec,
  within: number,
  what: string,
): Promise<Received> {
  const pred = (e: TimelineEvent) => isReceipt(e, who, m);
  const seen = tl.events.find(pred) ?? (await tl.next(pred, within, signal));
  if (!seen) {
    if (signal.aborted) throw new LabError("interrupted");
    throw new ExpectationFailed(what, within, tl.now() - within);
  }
  return seen as unknown as Received;
}

function options(name: string, port: number, protocol: Protocol, o: PeerOptions): IClientOptions {
  const v5 = (o.protocol ?? protocol) === "5";
  return {
    host: "127.0.0.1",
    port,
    clientId: o.clientId ?? name,
    protocolVersion: v5 ? 5 : 4,
    clean: o.clean ?? true,
    keepalive: o.keepalive ?? 30,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    resubscribe: false,
    ...(o.username !== undefined ? { username: o.username } : {}),
    ...(o.password !== undefined ? { password: o.password } : {}),
    ...(v5 && o.props ? { properties: fromWire(o.props) as IClientOptions["properties"] } : {}),
    ...(o.will
      ? {
          will: {
            topic: o.will.topic,
            payload: Buffer.from(o.will.payload),
            qos: o.will.qos ?? 0,
            retain: o.will.retain ?? false,
            ...(v5 && o.will.props ? { properties: fromWire(o.will.props) as NonNullable<IClientOptions["will"]>["properties"] } : {}),
          },
        }
      : {}),
  };
}

/**
 * An independent MQTT.js peer straight to the broker. It never reconnects by itself: a peer
 * that lost its connection in a compliance scenario is a fact to record, not to hide.
 */
export async function connectPeer(p: { tl: Timeline; signal: AbortSignal; port: number; protocol: Protocol; name: string; opts: PeerOptions }): Promise<{ handle: PeerHandle; close: () => Promise<void> }> {
  const { tl, signal, name } = p;
  const client: MqttClient = mqtt.connect(options(name, p.port, p.protocol, p.opts));
  let connack: PeerHandle["connack"] = { sessionPresent: false };
  client.on("packetreceive", (pkt) => {
    if (pkt.cmd === "disconnect") tl.record("peer", "disconnect", { peer: name, reasonCode: pkt.reasonCode, props: toWire(pkt.properties ?? {}) });
    if (pkt.cmd === "puback" || pkt.cmd === "pubrec") tl.record("peer", pkt.cmd, { peer: name, messageId: pkt.messageId, reasonCode: pkt.reasonCode });
  });
  client.on("message", (topic, payload, packet) => {
    tl.record("peer", "recv", {
      peer: name,
      topic,
      payload: wireBytes(payload),
      qos: packet.qos,
      retain: packet.retain,
      dup: packet.dup,
      ...(packet.properties && Object.keys(packet.properties).length ? { props: toWire(packet.properties) } : {}),
    });
  });
  client.on("close", () => tl.record("peer", "close", { peer: name }));
  client.on("error", (e) => tl.record("peer", "error", { peer: name, msg: e.message }));
  await new Promise<void>((resolve, reject) => {
    client.once("connect", (ack) => {
      connack = {
        sessionPresent: ack.sessionPresent,
        ...(ack.reasonCode !== undefined ? { reasonCode: ack.reasonCode } : {}),
        ...(ack.properties ? { props: toWire(ack.properties) as Record<string, unknown> } : {}),
      };
      tl.record("peer", "up", { peer: name, ...connack });
      resolve();
    });
    client.once("error", (e) => reject(new LabError(`peer ${name} could not connect: ${e.message}`)));
    client.once("close", () => reject(new LabError(`peer ${name}: the broker closed the connection before CONNACK`)));
  });
  // A clean DISCONNECT when connected; never longer than 2 s — an MQTT.js client whose
  // publish threw can leave end()'s callback uncalled, and teardown must not hang on it.
  const close = () =>
    new Promise<void>((r) => {
      if (!client.connected) {
        client.end(true);
        return r();
      }
      const t = setTimeout(() => {
        client.end(true);
        r();
      }, 2000);
      client.end(false, {}, () => {
        clearTimeout(t);
        r();
      });
    });
  const handle: PeerHandle = {
    name,
    get connack() {
      return connack;
    },
    subscribe: (topic, o = {}) =>
      new Promise((resolve, reject) =>
        client.subscribe(
          topic,
          {
            qos: o.qos ?? 1,
            ...(o.options?.nl !== undefined ? { nl: o.options.nl } : {}),
            ...(o.options?.rap !== undefined ? { rap: o.options.rap } : {}),
            ...(o.options?.rh !== undefined ? { rh: o.options.rh } : {}),
            ...(o.props ? { properties: fromWire(o.props) as object } : {}),
          },
          (err, granted) => {
            const codes = (granted ?? []).map((g) => g.qos);
            tl.record("peer", "suback", { peer: name, topic, granted: codes, ...(err ? { err: err.message } : {}) });
            if (err) reject(new LabError(`peer ${name} subscribe ${topic}: ${err.message}`));
            else resolve(codes);
          },
        ),
      ),
    unsubscribe: (topic) =>
      new Promise((resolve, reject) => client.unsubscribe(topic, (err) => (err ? reject(new LabError(`peer ${name} unsubscribe: ${err.message}`)) : resolve()))),
    publish: (topic, payload, o = {}) => {
      const qos = o.qos ?? 1;
      tl.record("peer", "publish", { peer: name, topic, payload: typeof payload === "string" ? payload : wireBytes(payload), qos, retain: o.retain ?? false, ...(o.props ? { props: o.props } : {}) });
      return new Promise((resolve, reject) =>
        client.publish(topic, payload, { qos, retain: o.retain ?? false, ...(o.props ? { properties: fromWire(o.props) as object } : {}) }, (err, pkt) => {
          const reasonCode = (pkt as { reasonCode?: number } | undefined)?.reasonCode;
          if (err) {
            tl.record("peer", "publish.error", { peer: name, topic, msg: err.message, ...(reasonCode !== undefined ? { reasonCode } : {}) });
            // A refused publish (v5 reason code ≥ 0x80) is an answer, not a lab failure.
            const code = (err as { code?: number }).code;
            if (typeof code === "number") return resolve({ reasonCode: code });
            return reject(new LabError(`peer ${name} publish ${topic}: ${err.message}`));
          }
          resolve(reasonCode !== undefined ? { reasonCode } : {});
        }),
      );
    },
    received: (m, { within, what }) => awaitReceipt(tl, signal, { src: "peer", kind: "recv", peer: name }, m, within, what ?? `peer ${name} receives ${m.topic}${m.payload !== undefined ? ` "${m.payload}"` : ""}`),
    end: close,
    destroy: async () => {
      tl.record("peer", "destroyed", { peer: name });
      client.stream.destroy();
      client.end(true);
    },
  };
  return { handle, close };
}

/** Connect a peer that the broker must refuse; what the broker answered. */
export function refusedConnect(p: { tl: Timeline; port: number; protocol: Protocol; name: string; opts: PeerOptions }): Promise<{ reasonCode?: number; closed: boolean }> {
  const client = mqtt.connect(options(p.name, p.port, p.protocol, p.opts));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => done(() => resolve({ closed: false })), 5000);
    function done(f: () => void) {
      clearTimeout(t);
      client.end(true);
      f();
    }
    client.once("connect", (ack) => {
      p.tl.record("peer", "up", { peer: p.name, sessionPresent: ack.sessionPresent, reasonCode: ack.reasonCode ?? 0 });
      done(() => reject(new ExpectationFailed(`broker refuses peer ${p.name}`, 5000, p.tl.now())));
    });
    client.once("error", (e) => {
      const code = (e as { code?: number }).code;
      p.tl.record("peer", "refused", { peer: p.name, msg: e.message, ...(typeof code === "number" ? { reasonCode: code } : {}) });
      done(() => resolve({ ...(typeof code === "number" ? { reasonCode: code } : {}), closed: false }));
    });
    client.once("close", () => {
      p.tl.record("peer", "refused", { peer: p.name, closed: true });
      done(() => resolve({ closed: true }));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// mosquitto's own command-line clients as peers (interop): mosquitto_sub / mosquitto_pub from
// Debian's mosquitto-clients, run as lab-owned child processes against the run's broker.

/** An executable on PATH (or in /usr/bin, /usr/local/bin), or undefined. */
export function findTool(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(":").filter(Boolean), "/usr/bin", "/usr/local/bin"];
  for (const d of dirs) {
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The record mosquitto_sub prints per message (-N -F): its JSON (%j: topic, qos, retain and
 * every property as text), the payload in hex (%x) and the Correlation Data raw (%D: %j mangles
 * bytes that are not UTF-8), NUL-separated — JSON and hex hold no NUL, and a UTF-8 MQTT string
 * may not hold U+0000 (MQTT-1.5.4-2) — and ended by RECORD_END, which the lab's correlation
 * data never contains.
 */
export const MOSQUITTO_SUB_FORMAT = "%j\\0%x\\0%D\\0\\e\\eEOR\\n";
const RECORD_END = Buffer.from("\0\x1b\x1bEOR\n", "latin1");

/** What one record of MOSQUITTO_SUB_FORMAT says, in the timeline's terms. */
export interface MosquittoRecord {
  topic: string;
  payload: string | { hex: string };
  qos: number;
  retain: boolean;
  props: Record<string, WireValue>;
}

/**
 * Splits mosquitto_sub's stdout (-d debug lines and records, interleaved) as it arrives.
 * `push` returns what became complete; a partial record waits for more bytes.
 */
export function mosquittoSubParser(): { push(chunk: Buffer): ({ record: MosquittoRecord } | { line: string })[] } {
  let buf = Buffer.alloc(0);
  return {
    push(chunk) {
      buf = Buffer.concat([buf, chunk]);
      const out: ({ record: MosquittoRecord } | { line: string })[] = [];
      for (;;) {
        if (buf.length === 0) break;
        if (buf[0] === 0x7b /* { */) {
          const end = buf.indexOf(RECORD_END);
          if (end < 0) break;
          out.push({ record: parseMosquittoRecord(buf.subarray(0, end)) });
          buf = buf.subarray(end + RECORD_END.length);
        } else {
          const nl = buf.indexOf(0x0a);
          if (nl < 0) break;
          out.push({ line: buf.subarray(0, nl).toString("utf8") });
          buf = buf.subarray(nl + 1);
        }
      }
      return out;
    },
  };
}

/** mosquitto's property names (as -D and %j spell them) and MQTT.js's. */
const MOSQUITTO_PROP_NAMES: Record<string, string> = {
  "payload-format-indicator": "payloadFormatIndicator",
  "message-expiry-interval": "messageExpiryInterval",
  "content-type": "contentType",
  "response-topic": "responseTopic",
  "correlation-data": "correlationData",
  "subscription-identifier": "subscriptionIdentifier",
  "topic-alias": "topicAlias",
  "user-properties": "userProperties",
  "user-property": "userProperties",
};

export function parseMosquittoRecord(rec: Buffer): MosquittoRecord {
  const a = rec.indexOf(0);
  const b = rec.indexOf(0, a + 1);
  if (a < 0 || b < 0) throw new LabError(`mosquitto_sub printed a record the lab cannot read: ${rec.toString("utf8").slice(0, 120)}`);
  const j = parseJsonKeepingDuplicates(rec.subarray(0, a).toString("utf8")) as Record<string, unknown>;
  const payload = wireBytes(Buffer.from(rec.subarray(a + 1, b).toString("latin1"), "hex"));
  const corr = rec.subarray(b + 1);
  const props: Record<string, WireValue> = {};
  for (const [k, v] of Object.entries((j.properties as Record<string, unknown> | undefined) ?? {})) {
    const name = MOSQUITTO_PROP_NAMES[k] ?? k;
    if (k === "correlation-data") props[name] = wireBytes(corr);
    else if (k === "payload-format-indicator") props[name] = v === 1; // MQTT.js's boolean
    else props[name] = toWire(v);
  }
  return { topic: String(j.topic), payload, qos: Number(j.qos), retain: j.retain === 1 || j.retain === true, props };
}

/**
 * JSON.parse, except that a name repeated in one object keeps all its values, in order, as an
 * array: mosquitto prints repeated User Properties that way ({"k":"v","k":"w"}).
 */
export function parseJsonKeepingDuplicates(text: string): unknown {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\r\n".includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw new LabError(`mosquitto_sub printed JSON the lab cannot read at ${i}: ${text.slice(Math.max(0, i - 20), i + 20)}`);
  };
  const str = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    if (i >= text.length) fail();
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const o: Record<string, unknown> = {};
      const multi = new Set<string>(); // names seen more than once in this object
      ws();
      if (text[i] === "}") return i++, o;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        const k = str();
        ws();
        if (text[i++] !== ":") fail();
        const v = value();
        if (!Object.hasOwn(o, k)) o[k] = v;
        else if (multi.has(k)) (o[k] as unknown[]).push(v);
        else {
          o[k] = [o[k], v];
          multi.add(k);
        }
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") return i++, o;
        fail();
      }
    }
    if (c === "[") {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === "]") return i++, arr;
      for (;;) {
        arr.push(value());
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") return i++, arr;
        fail();
      }
    }
    if (c === '"') return str();
    const m = /^(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
    if (!m) return fail();
    i += m[0].length;
    return JSON.parse(m[0]) as unknown;
  };
  const v = value();
  ws();
  if (i !== text.length) fail();
  return v;
}

function mosquittoTool(name: "mosquitto_sub" | "mosquitto_pub"): string {
  const p = findTool(name);
  if (!p) throw new LabError(`${name} not found on PATH: install Debian's mosquitto-clients (apt-get install mosquitto-clients)`);
  return p;
}

const versionArg = (p: Protocol) => (p === "5" ? "mqttv5" : "mqttv311");

/**
 * Run mosquitto_sub as peer `name` (its client id too); resolves once its SUBACK came (its own
 * -d line "Subscribed (mid: N): Q"), bounded by `withinMs`.
 */
export async function startMosquittoSub(p: { lab: Lab; port: number; protocol: Protocol; name: string; topic: string; opts: MosquittoSubOptions; withinMs: number }): Promise<MosquittoSubHandle> {
  const { lab, name, topic, opts } = p;
  const tl = lab.timeline;
  const protocol = opts.protocol ?? p.protocol;
  const args = ["-h", "127.0.0.1", "-p", String(p.port), "-V", versionArg(protocol), "-i", name, "-t", topic, "-q", String(opts.qos ?? 1), "-d", "-N", "-F", MOSQUITTO_SUB_FORMAT];
  if (opts.count !== undefined) args.push("-C", String(opts.count));
  if (opts.subscriptionIdentifier !== undefined) args.push("-D", "subscribe", "subscription-identifier", String(opts.subscriptionIdentifier));
  tl.record("peer", "spawn", { peer: name, cmd: "mosquitto_sub", args });
  // Its stdout is a pipe, so stdio would hold every line until exit: unbuffered through
  // stdbuf (coreutils) where there is one.
  const bin = mosquittoTool("mosquitto_sub");
  const stdbuf = findTool("stdbuf");
  const proc = stdbuf ? lab.spawn({ name, cmd: stdbuf, args: ["-o0", bin, ...args] }) : lab.spawn({ name, cmd: bin, args });
  let granted: number | undefined;
  let subscribed!: () => void;
  const ready = new Promise<void>((r) => (subscribed = r));
  const parser = mosquittoSubParser();
  // Lines also reach OwnedProcess's own reader (its tail); the raw bytes are parsed here.
  proc.child.stdout?.on("data", (chunk: Buffer) => {
    for (const item of parser.push(chunk)) {
      if ("record" in item) {
        const r = item.record;
        tl.record("peer", "recv", { peer: name, via: "mosquitto_sub", topic: r.topic, payload: r.payload, qos: r.qos, retain: r.retain, ...(Object.keys(r.props).length ? { props: r.props } : {}) });
        continue;
      }
      const line = item.line;
      tl.record("peer", "log", { peer: name, line });
      if (/received CONNACK/.test(line)) tl.record("peer", "up", { peer: name, via: "mosquitto_sub", line });
      const sub = /^Subscribed \(mid: \d+\): (\d+)/.exec(line);
      if (sub) {
        granted = Number(sub[1]);
        tl.record("peer", "suback", { peer: name, topic, granted: [granted] });
        subscribed();
      }
    }
  });
  proc.child.stderr?.on("data", (chunk: Buffer) => tl.record("peer", "log", { peer: name, line: chunk.toString("utf8").trimEnd(), stream: "stderr" }));
  void proc.exited.then((x) => tl.record("peer", "exit", { peer: name, code: x.code, signal: x.signal }));
  const started = tl.now();
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready.then(() => "ok" as const),
    proc.exited.then(() => "exited" as const),
    new Promise<"late">((r) => (timer = setTimeout(() => r("late"), p.withinMs))),
  ]).finally(() => clearTimeout(timer));
  if (outcome !== "ok") {
    await proc.stop(1000);
    if (lab.abort.signal.aborted) throw new LabError("interrupted");
    throw new LabError(`mosquitto_sub ${name} ${outcome === "exited" ? `exited before its SUBACK: ${proc.tail.slice(-3).join(" | ")}` : `got no SUBACK within ${p.withinMs} ms (since ${(started / 1000).toFixed(3)} s)`}`);
  }
  return {
    name,
    get granted() {
      return granted;
    },
    received: (m, { within, what }) => awaitReceipt(tl, lab.abort.signal, { src: "peer", kind: "recv", peer: name }, m, within, what ?? `mosquitto_sub ${name} receives ${m.topic}${m.payload !== undefined ? ` "${m.payload}"` : ""}`),
    stop: () => proc.stop(1000),
  };
}

/** -D publish arguments for MQTT.js-named properties. */
export function mosquittoPubProps(props: Record<string, unknown>): string[] {
  const out: string[] = [];
  const text = (k: string, v: unknown): string => {
    if (typeof v === "string") return v;
    if (typeof v === "number") return String(v);
    if (v && typeof v === "object" && typeof (v as { hex?: unknown }).hex === "string") {
      const b = Buffer.from((v as { hex: string }).hex, "hex");
      const s = wireBytes(b);
      if (typeof s === "string" && !b.includes(0)) return s;
    }
    throw new LabError(`mosquitto_pub cannot send ${k}=${JSON.stringify(v)} on its command line (no 00 byte, UTF-8 only)`);
  };
  for (const [k, v] of Object.entries(props)) {
    const name = Object.entries(MOSQUITTO_PROP_NAMES).find(([m, n]) => n === k && m !== "user-properties")?.[0];
    if (!name) throw new LabError(`mosquitto_pub has no -D name for the property ${k}`);
    if (k === "userProperties") {
      for (const [uk, uv] of Object.entries(v as Record<string, unknown>)) for (const one of Array.isArray(uv) ? uv : [uv]) out.push("-D", "publish", "user-property", uk, text(k, one));
    } else if (k === "payloadFormatIndicator") out.push("-D", "publish", name, v ? "1" : "0");
    else out.push("-D", "publish", name, text(k, v));
  }
  return out;
}

/** Run mosquitto_pub as peer `name` once; resolves when it exited (bounded by `withinMs`). */
export async function runMosquittoPub(p: { lab: Lab; port: number; protocol: Protocol; name: string; topic: string; payload: string | { hex: string }; opts: MosquittoPubOptions; withinMs: number }): Promise<{ code: number | null; output: string[] }> {
  const { lab, name, topic, opts } = p;
  const tl = lab.timeline;
  const protocol = opts.protocol ?? p.protocol;
  const qos = opts.qos ?? 1;
  const binary = typeof p.payload !== "string";
  const args = ["-h", "127.0.0.1", "-p", String(p.port), "-V", versionArg(protocol), "-i", name, "-t", topic, "-q", String(qos), "-d", ...(opts.retain ? ["-r"] : []), ...(binary ? ["-s"] : ["-m", p.payload as string]), ...(protocol === "5" ? mosquittoPubProps(opts.props ?? {}) : [])];
  tl.record("peer", "publish", { peer: name, via: "mosquitto_pub", topic, payload: p.payload, qos, retain: opts.retain ?? false, ...(opts.props ? { props: opts.props } : {}), args });
  const output: string[] = [];
  const proc = lab.spawn({
    name,
    cmd: mosquittoTool("mosquitto_pub"),
    args,
    stdin: binary,
    onLine: (line) => {
      output.push(line);
      tl.record("peer", "log", { peer: name, line });
      const ack = /received PUBACK \(Mid: (\d+), RC:(\d+)\)/.exec(line);
      if (ack) tl.record("peer", "puback", { peer: name, messageId: Number(ack[1]), reasonCode: Number(ack[2]) });
    },
  });
  if (binary) proc.child.stdin?.end(Buffer.from((p.payload as { hex: string }).hex, "hex"));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((r) => (timer = setTimeout(() => r("late"), p.withinMs)));
  const x = await Promise.race([proc.exited, late]).finally(() => clearTimeout(timer));
  if (x === "late") {
    await proc.stop(1000);
    throw new LabError(`mosquitto_pub ${name} did not finish within ${p.withinMs} ms: ${output.slice(-3).join(" | ")}`);
  }
  tl.record("peer", "exit", { peer: name, code: x.code, signal: x.signal });
  return { code: x.code, output };
}
