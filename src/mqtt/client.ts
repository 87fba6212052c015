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

/** What a client's manifest declares of it: the protocols it speaks, its gaps, its timing. */
export interface ClientManifest {
  name: string;
  description?: string;
  protocols: Protocol[];
  /** Feature id → reason the client declares it unsupported. */
  unsupported: Record<string, string>;
  /**
   * Bounds the client promises, used to derive checker bounds. All in seconds.
   * `outageDetection`: multiple of keepalive within which it notices a dead link.
   * `reconnectDelay`: the pause it takes before a reconnect attempt.
   * `wifiStableWait`: how long it watches the WLAN before trusting it.
   */
  timing?: { outageDetection?: number; reconnectDelay?: number; wifiStableWait?: number };
}
