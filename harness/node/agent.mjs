#!/usr/bin/env node
// The reference device: MQTT.js behind the agent protocol (docs/agent-protocol.md).
// It behaves as a careful application on a known-good client would: QoS 1 publishes are
// acked only after PUBACK, publishes made while offline wait in MQTT.js's queue, and the
// application's subscriptions are renewed on every connect.
// Every call is MQTT.js's documented API (node_modules/mqtt/README.md, cited by section
// below), with values in the types it names — the agent protocol already uses its property
// names and types — and what it hands back is reported as it is (binary as text or hex).
// Nothing is converted, retried or guarded to get round a bug of the client.
import mqtt from "mqtt";
import { createInterface } from "node:readline";

const t0 = performance.now();
const now = () => Math.round(performance.now() - t0);
const emit = (ev, fields = {}) => process.stdout.write(JSON.stringify({ ev, t: now(), ...fields }) + "\n");

/** @type {import("mqtt").MqttClient | undefined} */
let client;
let cfg;
let connected = false;
/**
 * Why operations that need a connection are refused, or null while the client is in use: as
 * the MicroPython adapters do, so that none is left waiting in MQTT.js's offline queue for a
 * connection that will not come (after `disconnect`, or a loss with reconnect:false).
 */
let off = "not started";
/** What MQTT 3.1.1 cannot carry is refused, never dropped (docs/agent-protocol.md). */
const V311 = "unsupported: properties need MQTT 5";
function refuse(o, what) {
  if (off) throw new Error(`not connected: ${off}`);
  if (cfg.protocol !== "5" && hasKeys(o.props)) throw new Error(V311);
  if (cfg.protocol !== "5" && what === "subscribe" && o.opts && (o.opts.nl || o.opts.rap || o.opts.rh)) throw new Error("unsupported: subscription options need MQTT 5");
}
/**
 * PUBACK/PUBREC reason codes by message id: MQTT.js hands a successful publish's callback the
 * stored PUBLISH, not the acknowledgement, so a success code such as 0x10 (No matching
 * subscribers) would be lost; the application sees it here.
 */
const ackCodes = new Map();

function ack(id, started, ok, err, extra = {}) {
  emit("ack", { id, ok, dt: now() - started, ...(err ? { err: String(err) } : {}), ...extra });
}

// Bytes go on the wire protocol as text when they are UTF-8, else as {"hex": …}, the way
// the MicroPython agent writes them; {"hex": …} from the host becomes bytes again.
const utf8 = new TextDecoder("utf-8", { fatal: true });
function wireBytes(b) {
  try {
    return utf8.decode(b);
  } catch {
    return { hex: Buffer.from(b).toString("hex") };
  }
}
function toWire(v) {
  if (v instanceof Uint8Array) return wireBytes(v);
  if (Array.isArray(v)) return v.map(toWire);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, toWire(x)]));
  return v;
}
function fromWire(v) {
  if (Array.isArray(v)) return v.map(fromWire);
  if (v && typeof v === "object") {
    if (typeof v.hex === "string" && Object.keys(v).length === 1) return Buffer.from(v.hex, "hex");
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromWire(x)]));
  }
  return v;
}
const payloadOf = (p) => (p && typeof p === "object" ? fromWire(p) : (p ?? ""));
const hasKeys = (o) => o && Object.keys(o).length > 0;

const ops = {
  async start(o) {
    if (o.cfg.protocol !== "5" && (hasKeys(o.cfg.connect_props) || hasKeys(o.cfg.will?.props))) throw new Error(V311);
    cfg = o.cfg;
    if (client) {
      // A new start after a disconnect: the old client is finished.
      client.removeAllListeners();
      client.end(true);
      client = undefined;
    }
    const v5 = cfg.protocol === "5";
    // README "mqtt.Client(streamBuilder, options)": `properties` (MQTT 5 CONNECT properties by
    // name), `will` (topic, payload, qos, retain, properties), `clean`, `keepalive`,
    // `reconnectPeriod` (0: no reconnect), `connectTimeout`, `resubscribe`, username/password;
    // TLS options go through to tls.connect().
    const props = {
      ...(v5 && cfg.session_expiry ? { sessionExpiryInterval: cfg.session_expiry } : {}),
      ...(v5 && cfg.connect_props ? fromWire(cfg.connect_props) : {}),
    };
    const w = cfg.will;
    const base = {
      host: cfg.server,
      port: cfg.port,
      clientId: cfg.client_id,
      protocolVersion: v5 ? 5 : 4,
      keepalive: cfg.keepalive,
      connectTimeout: cfg.response_time * 1000,
      ...(hasKeys(props) ? { properties: props } : {}),
      ...(cfg.user !== undefined ? { username: cfg.user } : {}),
      ...(cfg.password !== undefined ? { password: cfg.password } : {}),
      // TLS: the server's certificate must chain to the run's CA and name "localhost".
      ...(cfg.tls ? { protocol: "mqtts", ca: cfg.tls.ca, servername: "localhost", rejectUnauthorized: true } : {}),
      ...(w
        ? { will: { topic: w.topic, payload: Buffer.from(payloadOf(w.payload)), qos: w.qos ?? 0, retain: !!w.retain, ...(v5 && hasKeys(w.props) ? { properties: fromWire(w.props) } : {}) } }
        : {}),
    };
    // clean_init with a kept session (mqtt_as's semantics): start from a clean slate, but
    // keep the session from then on. In v5 a clean start with a session expiry does both;
    // in 3.1.1 a clean session is never kept, so connect clean once, leave, and reconnect unclean.
    if (cfg.clean_init && !cfg.clean && !v5) {
      await new Promise((resolve, reject) => {
        const wipe = mqtt.connect({ ...base, clean: true, reconnectPeriod: 0 });
        wipe.once("connect", () => wipe.end(false, {}, resolve));
        wipe.once("error", reject);
      });
    }
    let first = true;
    client = mqtt.connect({
      ...base,
      clean: v5 ? cfg.clean_init : cfg.clean,
      reconnectPeriod: cfg.reconnect === false ? 0 : 1000,
      resubscribe: false, // the application renews its own subscriptions, as devices do
    });
    const c = client;
    c.on("connect", (connack) => {
      // The agent protocol's clean_init (the first connection's flag; later ones use
      // `clean`) has no MQTT.js option: its reconnects reuse client.options, which is set
      // here after the first CONNACK. Not a documented API, and not a client workaround: it
      // gives the reference the same two-flag session policy the devices have.
      c.options.clean = cfg.clean; // reconnects keep the session unless asked otherwise
      connected = true;
      emit("up", {
        session_present: !!connack.sessionPresent,
        ...((connack.reasonCode ?? connack.returnCode) !== undefined ? { reason: connack.reasonCode ?? connack.returnCode } : {}),
        ...(hasKeys(connack.properties) ? { props: toWire(connack.properties) } : {}),
      });
      for (const [topic, qos] of cfg.subs ?? [])
        client.subscribe(topic, { qos }, (err) => (err ? emit("error", { msg: `resubscribe ${topic}: ${err.message}`, tb: "" }) : emit("subscribed", { topic })));
      first = false;
    });
    // README Event 'close' ("Emitted after a disconnection"): MQTT.js emits it for every
    // failed reconnect attempt too; the application's outage signal (like mqtt_as's
    // client.down) fires once per outage.
    c.on("close", () => {
      if (connected) emit("down");
      // reconnect:false: a lost connection stays lost; ops are refused from now on.
      if (connected && cfg.reconnect === false && !off) off = "connection lost and reconnect is off";
      connected = false;
    });
    // README Event 'packetreceive': the PUBACK/PUBREC reason code (the publish callback is
    // handed the PUBLISH, not its acknowledgement) and a server DISCONNECT.
    c.on("packetreceive", (pkt) => {
      if (v5 && (pkt.cmd === "puback" || pkt.cmd === "pubrec") && pkt.messageId !== undefined) ackCodes.set(pkt.messageId, pkt.reasonCode ?? 0);
      if (pkt.cmd === "disconnect") emit("disconnected", { reason: pkt.reasonCode ?? 0, ...(hasKeys(pkt.properties) ? { props: toWire(pkt.properties) } : {}) });
    });
    // README Event 'error': how MQTT.js tells the application of a refused CONNACK or a
    // parsing error. It is the client reporting, not an exception escaping it, so a log line.
    c.on("error", (e) => emit("log", { line: `mqtt.js error: ${e.message}` }));
    // README Event 'message': (topic, message, packet), the packet as mqtt-packet defines it.
    c.on("message", (topic, payload, packet) => {
      const ev = { topic, payload: wireBytes(payload), retained: packet.retain, qos: packet.qos, dup: packet.dup };
      if (hasKeys(packet.properties)) ev.props = toWire(packet.properties);
      emit("msg", ev);
    });
    off = "not started";
    await new Promise((resolve, reject) => {
      c.once("connect", resolve);
      c.once("error", (e) => first && reject(e));
      if (cfg.reconnect === false) c.once("close", () => first && reject(new Error("connection closed before CONNACK")));
    });
    off = null;
  },
  publish(o) {
    // README "mqtt.Client#publish(topic, message, [options], [callback])": callback(err, packet).
    refuse(o, "publish");
    const props = hasKeys(o.props) ? fromWire(o.props) : undefined;
    return new Promise((resolve, reject) =>
      client.publish(o.topic, payloadOf(o.payload), { qos: o.qos, retain: !!o.retain, ...(props ? { properties: props } : {}) }, (err, pkt) => {
        if (err) return reject(err);
        if (pkt?.reasonCode !== undefined) return resolve({ reason: pkt.reasonCode });
        // v5 QoS 1/2: the reason code of the PUBACK/PUBREC that answered this message id.
        const id = pkt?.messageId;
        if (cfg.protocol === "5" && o.qos > 0 && id !== undefined && ackCodes.has(id)) {
          const reason = ackCodes.get(id);
          ackCodes.delete(id);
          return resolve({ reason });
        }
        resolve({});
      }),
    );
  },
  subscribe(o) {
    // README "mqtt.Client#subscribe": options qos, nl, rap, rh, properties; callback(err,
    // granted), granted an array of {topic, qos}. A failure code in `qos` is reported as
    // such (ok false, with `granted`), not hidden.
    refuse(o, "subscribe");
    const opts = o.opts ?? {};
    const props = hasKeys(o.props) ? fromWire(o.props) : undefined;
    return new Promise((resolve, reject) =>
      client.subscribe(
        o.topic,
        {
          qos: o.qos,
          ...(opts.nl !== undefined ? { nl: opts.nl } : {}),
          ...(opts.rap !== undefined ? { rap: opts.rap } : {}),
          ...(opts.rh !== undefined ? { rh: opts.rh } : {}),
          ...(props ? { properties: props } : {}),
        },
        (err, granted) => {
          if (err) return reject(err);
          const codes = (granted ?? []).map((g) => g.qos);
          // A SUBACK failure code (0x80 and up) is a refusal, not a subscription.
          if (codes.some((q) => q >= 0x80)) return reject(Object.assign(new Error(`SUBACK refused: ${codes.join(",")}`), { granted: codes }));
          emit("subscribed", { topic: o.topic });
          resolve({ granted: codes });
        },
      ),
    );
  },
  unsubscribe(o) {
    // README "mqtt.Client#unsubscribe": callback(err) on the UNSUBACK.
    refuse(o, "unsubscribe");
    return new Promise((resolve, reject) => client.unsubscribe(o.topic, (err) => (err ? reject(err) : resolve())));
  },
  disconnect(o) {
    // A clean DISCONNECT; the client stays off until a new start. README
    // "mqtt.Client#end([force], [options], [callback])": options reasonCode, properties.
    if (!client) throw new Error("not started");
    if (off) return; // already off: a second disconnect does nothing
    if (cfg.protocol !== "5" && (o.reason !== undefined || hasKeys(o.props))) throw new Error("unsupported: DISCONNECT reason code or properties need MQTT 5");
    off = "disconnected";
    return new Promise((resolve) => {
      client.options.reconnectPeriod = 0;
      const opts = o.reason !== undefined || hasKeys(o.props) ? { reasonCode: o.reason ?? 0, ...(hasKeys(o.props) ? { properties: fromWire(o.props) } : {}) } : {};
      client.end(false, opts, () => resolve());
    });
  },
  wifi() {
    // A host process has no WLAN to switch; the proxy's blackhole is the whole outage here.
  },
  stats() {
    const m = process.memoryUsage();
    emit("mem", { free: 0, alloc: m.heapUsed });
  },
  async stop() {
    if (client) await new Promise((r) => client.end(false, {}, r));
  },
};

const input = createInterface({ input: process.stdin });
// End of input (the host closed the pipe) acts as `stop` without the ack.
input.on("close", async () => {
  await ops.stop().catch(() => {});
  process.exit(0);
});
input.on("line", async (line) => {
  let o;
  try {
    o = JSON.parse(line);
  } catch {
    emit("error", { msg: `bad op line: ${line.slice(0, 80)}`, tb: "" });
    return;
  }
  const started = now();
  const fn = ops[o.op];
  if (!fn) return ack(o.id, started, false, `unknown op ${o.op}`);
  try {
    const extra = await fn(o);
    ack(o.id, started, true, undefined, extra ?? {});
    if (o.op === "stop") process.exit(0);
  } catch (e) {
    ack(o.id, started, false, e?.message ?? e, {
      ...(e?.granted ? { granted: e.granted } : {}),
      ...(typeof e?.code === "number" ? { reason: e.code } : {}),
    });
  }
});

// The idle counter the MicroPython agent keeps (docs/agent-protocol.md): Node measures it
// itself, the event loop's time spent waiting in the poller.
setInterval(() => emit("hb", { idleMs: Math.round(performance.eventLoopUtilization().idle) }), 500);
emit("hello", { client: "mqtt.js", version: "5", protocols: ["3.1.1", "5"], impl: `node ${process.version}`, free: 0 });
