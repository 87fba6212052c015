import type { Protocol } from "../mqtt/protocol.ts";
import type { ClientConfig, ClientManifest } from "../mqtt/client.ts";

/** What a checker gets besides the timeline: enough to re-judge a saved run. */
export interface CheckContext {
  scenario: string;
  protocol: Protocol;
  client: ClientConfig;
  manifest: ClientManifest;
  bounds: Bounds;
  broker: { kind: string; durable: boolean };
  topics: Topics;
}

export interface Topics {
  up: string;
  down: string;
  /** The run's own prefix: compliance scenarios build their topics under it. */
  base: string;
}

/** Timing bounds derived from the client's own settings, all in milliseconds. */
export interface Bounds {
  /** First connection: WiFi stability wait + one response time + slack. */
  connectMs: number;
  /** One full failed reconnect attempt: the client's pause, its WiFi check, one response time. */
  reconnectCycleMs: number;
  /** After the broker is back: the attempt in flight may fail, the next one must succeed. */
  reconnectAfterHealMs: number;
  /** The client's promise for noticing a dead link. */
  outageDetectionMs: number;
  /** One exchange on a healthy link: a publish answered, a message passed on (response time + slack). */
  deliveryMs: number;
}
