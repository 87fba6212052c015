import { LabError } from "../lab/errors.ts";
import { toWire, wireBytes, type WireValue } from "./wire.ts";

/**
 * How mosquitto's own command-line clients (Debian's mosquitto-clients) spell what the lab
 * needs: the record mosquitto_sub prints per message and its parser, and the -D arguments
 * mosquitto_pub takes for v5 properties. The processes themselves: mosquittoPeer.ts.
 */

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
