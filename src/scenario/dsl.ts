import type { Protocol } from "../brokers/broker.ts";
import type { Check } from "../checks/check.ts";
import type { ClientConfig, ClientManifest, DeviceSettings } from "../devices/device.ts";
import type { Ack } from "../devices/channel.ts";
import type { ActiveFault, Fault, FaultTargets } from "../faults/fault.ts";
import type { Random } from "../lab/random.ts";

/** What a scenario asks of the client's configuration; the rest comes from the lab. */
export interface ClientSettings {
  clean?: boolean;
  clean_init?: boolean;
  /** Seconds. Short keepalives compress time. */
  keepalive?: number;
  /** Seconds. */
  response_time?: number;
  /** Seconds (v5). */
  session_expiry?: number;
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
}

export interface StreamHandle {
  /** Resolves when `n` more publishes were acknowledged; ExpectationFailed after `within`. */
  acked(n: number, opts: { within: number; what?: string }): Promise<void>;
  /** Stop issuing; wait (bounded) for the publish in flight. */
  stop(): Promise<void>;
  readonly sent: number;
  readonly ackedCount: number;
}

export interface DeviceHandle {
  readonly name: string;
  /** The client's latest own signal is `up` (since the earliest fault still in effect began). */
  up(opts: { within: number; what?: string }): Promise<void>;
  /** The client confirmed its subscription to `topic` since its latest connection. */
  subscribed(topic: string, opts: { within: number; what?: string }): Promise<void>;
  /**
   * The client came back after the latest fault: its own `down` (or the device's exit) after
   * the fault began, then its own `up`, in timeline order. Unlike up(), never satisfied by an
   * `up` from before the fault that the client has not noticed yet.
   */
  reconnected(opts: { within: number; what?: string }): Promise<void>;
  /** The client's own `down` signal since the last fault. */
  down(opts: { within: number; what?: string }): Promise<void>;
  publish(topic: string, payload: string, opts?: { qos?: 0 | 1 | 2; retain?: boolean; props?: Record<string, unknown> }): Promise<Ack>;
  /** A numbered stream "seq=N", one publish at a time, like an application loop. */
  publishEvery(topic: string, opts: { qos: 0 | 1 | 2; everyMs: number }): StreamHandle;
  subscribe(topic: string, qos: 0 | 1 | 2): Promise<Ack>;
  wifi(up: boolean): Promise<Ack>;
}

export interface BrokerHandle {
  readonly kind: string;
  readonly durable: boolean;
  /** Fault: SIGKILL the broker. */
  crash(): Promise<void>;
  /** Heal: start it again on the same port and data folder; resolves when it answers CONNECT. */
  start(): Promise<void>;
}

export interface ObserverHandle {
  publish(topic: string, payload: string, opts?: { qos?: 0 | 1 | 2; retain?: boolean }): Promise<boolean>;
  /** A numbered stream "seq=N" to the device. */
  publishEvery(topic: string, opts: { qos: 0 | 1 | 2; everyMs: number }): StreamHandle;
  /** `count` QoS 1 messages "<label>=N" (default label "after"), each `everyMs` after the previous PUBACK. */
  burst(topic: string, opts: { count: number; everyMs: number; label?: string }): Promise<void>;
}

export interface ScenarioContext {
  device: DeviceHandle;
  broker: BrokerHandle;
  observer: ObserverHandle;
  /** This run's own topics, so parallel runs never hear each other. */
  topics: { up: string; down: string };
  client: ClientConfig;
  bounds: Bounds;
  protocol: Protocol;
  /** What faults act on: pass to a fault factory, e.g. inject(apLoss(targets)). */
  targets: FaultTargets;
  /** Inject a fault: recorded on the timeline, healed at teardown if still open. */
  inject(fault: Fault): Promise<ActiveFault>;
  heal(active: ActiveFault): Promise<void>;
  /** Seeded from --seed. */
  random: Random;
  /** Sleep that ends early when the run is torn down. Prefer waiting on events. */
  wait(ms: number): Promise<void>;
  note(text: string): void;
}

/** What a checker gets besides the timeline: enough to re-judge a saved run. */
export interface CheckContext {
  scenario: string;
  protocol: Protocol;
  client: ClientConfig;
  manifest: ClientManifest;
  bounds: Bounds;
  broker: { kind: string; durable: boolean };
  topics: { up: string; down: string };
}

export interface Scenario {
  id: string;
  title: string;
  /** The faults (and profiles) it applies, for `faraday list` and the report. */
  faults?: string[];
  /** Feature ids this scenario needs; a client that declares one unsupported is `unsupported`. */
  requires?: string[];
  client?: ClientSettings;
  /** The device itself: a small heap, a precompiled client (ignored by the Node reference). */
  device?: DeviceSettings;
  /** Whether the broker must keep sessions through a crash. */
  broker?: { durable?: boolean };
  /** Upper bound of the whole run, in ms (the lab's own timeout, not a client bound). */
  timeoutMs?: number;
  run(ctx: ScenarioContext): Promise<void>;
  checks(ctx: CheckContext): Check[];
}

/** Declares a scenario (identity with types, so scenario files read as data). */
export function scenario(s: Scenario): Scenario {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(s.id)) throw new Error(`scenario id "${s.id}" must be kebab-case`);
  return s;
}
