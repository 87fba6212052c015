#!/usr/bin/env node
// The reference device: MQTT.js behind the agent protocol (docs/agent-protocol.md).
// It behaves as a careful application on a known-good client would: QoS 1 publishes are
// acked only after PUBACK, publishes made while offline wait in MQTT.js's queue, and the
// application's subscriptions are renewed on every connect.
import mqtt from "mqtt";
import { createInterface } from "node:readline";

const t0 = performance.now();
const now = () => Math.round(performance.now() - t0);
const emit = (ev, fields = {}) => process.stdout.write(JSON.stringify({ ev, t: now(), ...fields }) + "\n");

/** @type {import("mqtt").MqttClient | undefined} */
let client;
let cfg;
let connected = false;

function ack(id, started, ok, err) {
  emit("ack", { id, ok, dt: now() - started, ...(err ? { err: String(err) } : {}) });
}

const ops = {
  async start(o) {
    cfg = o.cfg;
    const v5 = cfg.protocol === "5";
    const base = {
      host: cfg.server,
      port: cfg.port,
      clientId: cfg.client_id,
      protocolVersion: v5 ? 5 : 4,
      keepalive: cfg.keepalive,
      connectTimeout: cfg.response_time * 1000,
      ...(v5 && cfg.session_expiry ? { properties: { sessionExpiryInterval: cfg.session_expiry } } : {}),
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
      reconnectPeriod: 1000,
      resubscribe: false, // the application renews its own subscriptions, as devices do
    });
    client.on("connect", (connack) => {
      client.options.clean = cfg.clean; // reconnects keep the session unless asked otherwise
      connected = true;
      emit("up", { session_present: !!connack.sessionPresent });
      for (const [topic, qos] of cfg.subs ?? [])
        client.subscribe(topic, { qos }, (err) => (err ? emit("error", { msg: `resubscribe ${topic}: ${err.message}`, tb: "" }) : emit("subscribed", { topic })));
      first = false;
    });
    // MQTT.js emits close for every failed reconnect attempt; the application's outage
    // signal (like mqtt_as's client.down) fires once per outage.
    client.on("close", () => {
      if (connected) emit("down");
      connected = false;
    });
    client.on("error", (e) => emit("log", { line: `mqtt.js error: ${e.message}` }));
    client.on("message", (topic, payload, packet) => {
      const ev = { topic, payload: payload.toString("utf8"), retained: packet.retain, qos: packet.qos };
      if (packet.properties && Object.keys(packet.properties).length) ev.props = packet.properties;
      emit("msg", ev);
    });
    await new Promise((resolve, reject) => {
      client.once("connect", resolve);
      client.once("error", (e) => first && reject(e));
    });
  },
  publish(o) {
    return new Promise((resolve, reject) =>
      client.publish(o.topic, o.payload, { qos: o.qos, retain: !!o.retain, properties: o.props }, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  },
  subscribe(o) {
    return new Promise((resolve, reject) =>
      client.subscribe(o.topic, { qos: o.qos, properties: o.props }, (err) => {
        if (err) return reject(err);
        emit("subscribed", { topic: o.topic });
        resolve();
      }),
    );
  },
  unsubscribe(o) {
    return new Promise((resolve, reject) => client.unsubscribe(o.topic, (err) => (err ? reject(err) : resolve())));
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

createInterface({ input: process.stdin }).on("line", async (line) => {
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
    await fn(o);
    ack(o.id, started, true);
    if (o.op === "stop") process.exit(0);
  } catch (e) {
    ack(o.id, started, false, e?.message ?? e);
  }
});

setInterval(() => emit("hb"), 500);
emit("hello", { client: "mqtt.js", version: "5", protocols: ["3.1.1", "5"], impl: `node ${process.version}`, free: 0 });
