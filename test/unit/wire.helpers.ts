import type { ClientManifest, ClientPromises } from "../../src/mqtt/client.ts";
import type { TimelineEvent } from "../../src/timeline/event.ts";
import { ctx, ev } from "./helpers.ts";

/** A packet the wire tap saw: up (device → broker) or down, on connection `conn`. */
export const up = (t: number, conn: number, cmd: string, f: Record<string, unknown> = {}): TimelineEvent => ev(t, "wire", "packet", { dir: "up", conn, cmd, ...f });
export const down = (t: number, conn: number, cmd: string, f: Record<string, unknown> = {}): TimelineEvent => ev(t, "wire", "packet", { dir: "down", conn, cmd, ...f });
export const closed = (t: number, conn: number, by = "device"): TimelineEvent => ev(t, "wire", "close", { conn, by });

/** A QoS 1 PUBLISH from the device. */
export const pub = (t: number, conn: number, id: number, payload: string, dup = false): TimelineEvent =>
  up(t, conn, "publish", { messageId: id, qos: 1, dup, retain: false, topic: "f/up", payload, payloadBytes: payload.length });
export const puback = (t: number, conn: number, id: number): TimelineEvent => down(t, conn, "puback", { messageId: id });

/** The configuration ctx() carries: keepalive 6, response_time 3, clean false, clean_init true, 3.1.1. */
export const cfg = ctx().client;

/** A CONNECT as configured, and its CONNACK 5 ms later. */
export const connect = (t: number, conn: number, f: Record<string, unknown> = {}): TimelineEvent[] => [
  up(t, conn, "connect", { clean: false, keepalive: cfg.keepalive, clientId: cfg.client_id, protocolVersion: 4, ...f }),
  down(t + 5, conn, "connack", { returnCode: 0, sessionPresent: false }),
];

/** mqtt_as's promises, as fixtures/clients/mqtt_as.json says them. */
export const MQTT_AS: ClientPromises = {
  responseTime: { configKey: "response_time", doc: "mqtt_as README §3.1" },
  resend: { withinConnection: true, after: "responseTime", limit: 4, afterLimit: "reconnect, then a new id", onReconnect: "new-id", doc: "mqtt_as README §4.2" },
  ping: { keepaliveFraction: 0.25, since: "pingreq", granularityS: 0, whenZeroS: 20, doc: "mqtt_as README §4.1" },
};
/** MQTT.js's. */
export const MQTTJS: ClientPromises = {
  responseTime: { configKey: "response_time", doc: "agent.mjs" },
  resend: { withinConnection: false, onReconnect: "same-id", doc: "MQTT.js README" },
  ping: { keepaliveFraction: 1, since: "ack-received", granularityS: 0, doc: "KeepaliveManager.js" },
};

export const promising = (promises: ClientPromises | undefined) => {
  const manifest: ClientManifest = { name: "hand", protocols: ["3.1.1"], unsupported: {}, ...(promises ? { promises } : {}) };
  return ctx({ manifest });
};

export const start = (t = 0, over: Record<string, unknown> = {}): TimelineEvent => ev(t, "device", "op", { id: 1, op: "start", cfg: { ...cfg, ...over } });
