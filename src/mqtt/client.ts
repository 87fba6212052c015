import type { Protocol } from "./protocol.ts";

/**
 * The client configuration a scenario asks for, in MQTT terms. The agent maps it to each
 * client's own settings (for mqtt_as: its config dict).
 */
export interface ClientConfig {
  client_id: string;
  server: string;
  port: number;
  /** Keepalive in seconds. */
  keepalive: number;
  /** Clean session / clean start on reconnects. */
  clean: boolean;
  /** Clean flag of the first connection only (mqtt_as's clean_init). */
  clean_init: boolean;
  protocol: Protocol;
  /** v5 Session Expiry Interval in seconds (0 = ends with the connection). */
  session_expiry: number;
  /** Seconds the client waits for an acknowledgement before it calls the link dead. */
  response_time: number;
  /** Topics the application (re)subscribes each time the client is up: [topic, qos]. */
  subs: [string, number][];
  debug: boolean;
  user?: string;
  password?: string;
  will?: { topic: string; payload: string; qos?: number; retain?: boolean; props?: Record<string, unknown> };
  /** v5 CONNECT properties by MQTT.js name. */
  connect_props?: Record<string, unknown>;
  /** Whether the client reconnects by itself (default true). */
  reconnect?: boolean;
  /** Skip the WiFi-stability wait on the first connection (mqtt_as: connect(quick=True)). */
  quick?: boolean;
  /** Connect over TLS; `ca` is the PEM text of the CA the server's certificate must chain to. */
  tls?: { ca: string };
}

/** One promise from the client's own documentation: where it is written. */
export interface Promised {
  /** The document (and section, or code) it comes from: "mqtt_as README §4.2". */
  doc: string;
}

/**
 * The timing and retry policy a client documents, each with its source. An absent entry is
 * a promise the client does not make: a checker then says "not promised", never a bound of
 * its own. All durations in seconds.
 */
export interface ClientPromises {
  /** How long it waits for an acknowledgement: the value of ClientConfig[`configKey`] in seconds, or a fixed `seconds`. */
  responseTime?: Promised & { configKey?: "response_time"; seconds?: number };
  /**
   * What it does with a QoS 1 PUBLISH that is not acknowledged.
   * `withinConnection`: resends it on the same connection, with DUP 1 and the same packet id,
   * `after` the response time (or `afterS` seconds), at most `limit` times; `afterLimit` says what then.
   * `onReconnect`: after a reconnect it publishes it again with a "new-id" (DUP 0), the
   * "same-id", or "none" (it is not sent again by the client).
   */
  resend?: Promised & {
    withinConnection: boolean;
    after?: "responseTime";
    afterS?: number;
    limit?: number;
    afterLimit?: string;
    onReconnect: "new-id" | "same-id" | "none";
  };
  /**
   * Its keepalive: a PINGREQ at most `keepaliveFraction` × keepalive after the last PINGREQ
   * (`since` "pingreq") or after the last acknowledgement it received (`since` "ack-received"), checked every
   * `granularityS` seconds (0: a timer of its own), `whenZeroS` when keepalive is 0 (absent: no pings).
   */
  ping?: Promised & { keepaliveFraction: number; since: "pingreq" | "ack-received"; granularityS: number; whenZeroS?: number };
  /** It notices a dead link within `keepalives` × keepalive. */
  outageDetection?: Promised & { keepalives: number };
  /** The pause before a reconnect attempt. */
  reconnectPause?: Promised & { seconds: number };
  /** How long it watches the WLAN before trusting it. */
  wifiStableWait?: Promised & { seconds: number };
}

/** What a client's manifest declares of it: the protocols it speaks, its gaps, its promises. */
export interface ClientManifest {
  name: string;
  description?: string;
  protocols: Protocol[];
  /** Feature id → reason the client declares it unsupported. */
  unsupported: Record<string, string>;
  /** The client's documented timing and retry policy, each with its source. */
  promises?: ClientPromises;
  /**
   * The older, shorter form of three promises (a manifest with `promises` does not need it).
   * All in seconds. `outageDetection`: multiple of keepalive within which it notices a dead
   * link. `reconnectDelay`: the pause before a reconnect attempt. `wifiStableWait`: how long
   * it watches the WLAN before trusting it.
   */
  timing?: { outageDetection?: number; reconnectDelay?: number; wifiStableWait?: number };
}

/** The timing the lab's bounds are derived from: the manifest's promises, else its older `timing`, else the defaults. */
export function promisedTiming(m: ClientManifest): { outageDetection: number; reconnectDelay: number; wifiStableWait: number } {
  const p = m.promises ?? {};
  const t = m.timing ?? {};
  return {
    outageDetection: p.outageDetection?.keepalives ?? t.outageDetection ?? 1.5,
    reconnectDelay: p.reconnectPause?.seconds ?? t.reconnectDelay ?? 1,
    wifiStableWait: p.wifiStableWait?.seconds ?? t.wifiStableWait ?? 0,
  };
}
