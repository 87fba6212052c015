import type { Bench } from "./bench.ts";
import type { Protocol } from "../brokers/broker.ts";
import type { BrokerSettings } from "../brokers/settings.ts";
import type { Check } from "../checks/check.ts";
import type { Bounds, CheckContext, Topics } from "../checks/context.ts";
import type { ClientConfig, DeviceSettings } from "../devices/device.ts";
import type { Ack } from "../devices/channel.ts";
import type { ActiveFault, Fault, FaultTargets } from "../faults/fault.ts";
import type { Random } from "../lab/random.ts";
import type { TimelineEvent } from "../timeline/event.ts";

export type { Bounds, CheckContext, Topics } from "../checks/context.ts";
export type { BrokerSettings } from "../brokers/settings.ts";

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
  /** An explicit client id; "" asks the broker to assign one. Default: a fresh id per run. */
  client_id?: string;
  user?: string;
  password?: string;
  will?: WillSettings;
  /** v5 CONNECT properties by MQTT.js name (receiveMaximum, topicAliasMaximum, userProperties…). */
  connect_props?: Record<string, unknown>;
  /** Whether the client reconnects by itself after a loss (default true). */
  reconnect?: boolean;
  /**
   * Skip the client's own WiFi-stability wait on the first connection (mqtt_as's
   * connect(quick=True)): compliance scenarios test MQTT, not the radio.
   */
  quick?: boolean;
  /**
   * Topics the application subscribes each time it is up: [topic, qos]. Default: the run's
   * `down` topic at QoS 1. Compliance scenarios usually pass [] and subscribe themselves.
   */
  subs?: [string, number][];
  /** Connect over TLS to the broker's TLS listener, verifying its certificate against the run's CA. */
  tls?: boolean;
}

export interface WillSettings {
  topic: string;
  payload: string;
  qos?: 0 | 1 | 2;
  retain?: boolean;
  /** v5 will properties by MQTT.js name (willDelayInterval, contentType, userProperties…). */
  props?: Record<string, unknown>;
}

/** MQTT v5 subscription options (spec 3.8.3.1). */
export interface SubscriptionOptions {
  /** No Local. */
  nl?: boolean;
  /** Retain As Published. */
  rap?: boolean;
  /** Retain Handling: 0 send retained, 1 only on a new subscription, 2 never. */
  rh?: 0 | 1 | 2;
}

/** What a compliance scenario exercises: one feature of one protocol, with its spec section. */
export interface Feature {
  /** Stable id shown in the matrix, e.g. "v5.topic-alias.outgoing". */
  id: string;
  /** Section of the MQTT spec (3.1.1 or 5.0) that states the behaviour, e.g. "3.3.2.3.4". */
  spec: string;
  /** One line: what the spec requires that this scenario proves. */
  claim: string;
}

/** What a message looked like when someone received it (device, peer, observer). */
export interface Received {
  t: number;
  topic: string;
  payload: string;
  qos?: number;
  retain?: boolean;
  dup?: boolean;
  props?: Record<string, unknown>;
}

export interface MatchSpec {
  topic: string;
  payload?: string;
}

/** A numbered publish stream, one message at a time, like an application loop. */
export interface StreamOptions {
  qos: 0 | 1 | 2;
  /** Pause after each answered publish, ms. */
  everyMs: number;
  /** Payload size in bytes: "seq=N " padded with "x" (default: just "seq=N"). */
  bytes?: number;
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
  /** `payload` as text, or bytes as {"hex": …} (the agent protocol's form for binary). */
  publish(topic: string, payload: string | { hex: string }, opts?: { qos?: 0 | 1 | 2; retain?: boolean; props?: Record<string, unknown> }): Promise<Ack>;
  /** A numbered stream "seq=N", one publish at a time, like an application loop. */
  publishEvery(topic: string, opts: StreamOptions): StreamHandle;
  subscribe(topic: string, qos: 0 | 1 | 2, opts?: { options?: SubscriptionOptions; props?: Record<string, unknown> }): Promise<Ack>;
  unsubscribe(topic: string): Promise<Ack>;
  /** A clean DISCONNECT (v5: with a reason code and properties); the client stays off. */
  disconnect(opts?: { reason?: number; props?: Record<string, unknown> }): Promise<Ack>;
  /** Connect again (after disconnect), with settings changed from the run's. */
  start(overrides?: Partial<ClientSettings>): Promise<Ack>;
  /** Abrupt loss: the device process dies without a DISCONNECT (power off). */
  powerOff(): Promise<void>;
  /** Resolves with the first message the device receives that matches (also one already received). */
  received(match: MatchSpec, opts: { within: number; what?: string }): Promise<Received>;
  wifi(up: boolean): Promise<Ack>;
  /** A slow application: the device's main loop blocked for `ms` (nothing runs, the client included); acked after. */
  block(ms: number): Promise<Ack>;
  /** A `mem` event (heap, its low point, the client's own counters), then the ack. */
  stats(): Promise<Ack>;
}

/**
 * An independent MQTT peer talking straight to the broker (MQTT.js, the run's protocol unless
 * told otherwise): the other end of a feature. Everything it sees is on the timeline (src "peer").
 */
export interface PeerHandle {
  readonly name: string;
  /** The broker's CONNACK: session present, reason code, properties. */
  readonly connack: { sessionPresent: boolean; reasonCode?: number; props?: Record<string, unknown> };
  subscribe(topic: string, opts?: { qos?: 0 | 1 | 2; options?: SubscriptionOptions; props?: Record<string, unknown> }): Promise<number[]>;
  unsubscribe(topic: string): Promise<void>;
  /** Resolves when acknowledged (QoS 1/2) or sent (QoS 0), with the PUBACK/PUBREC reason code when there is one. */
  publish(topic: string, payload: string | Buffer, opts?: { qos?: 0 | 1 | 2; retain?: boolean; props?: Record<string, unknown> }): Promise<{ reasonCode?: number }>;
  received(match: MatchSpec, opts: { within: number; what?: string }): Promise<Received>;
  /** Clean DISCONNECT. */
  end(): Promise<void>;
  /** Drop the socket without DISCONNECT (an abrupt loss: the broker must send the will). */
  destroy(): Promise<void>;
}

export interface PeerOptions {
  clientId?: string;
  protocol?: Protocol;
  clean?: boolean;
  keepalive?: number;
  username?: string;
  password?: string;
  /** v5 CONNECT properties (MQTT.js names). */
  props?: Record<string, unknown>;
  will?: WillSettings;
  /** Reject rather than record when the broker refuses the connection (default: reject). */
  expectRefusal?: boolean;
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
  publishEvery(topic: string, opts: StreamOptions): ObserverStream;
  /** `count` QoS 1 messages "<label>=N" (default label "after"), each `everyMs` after the previous PUBACK. */
  burst(topic: string, opts: { count: number; everyMs: number; label?: string }): Promise<void>;
  /**
   * A burst that lasts subscriptionsSurvive's window (one response time, in which the renewed
   * SUBACK may still be under way, and a second more): call it once the client has subscribed
   * again, so that the checker has a publish to judge.
   */
  burstPastResubscribe(topic: string, opts: { everyMs: number; label?: string }): Promise<void>;
}

export interface ObserverStream extends StreamHandle {
  /**
   * Resolves when the stream has had as many more PUBACKs as subscriptionsSurvive's window
   * (one response time and a second) holds at its pace, within one reconnect cycle and a
   * response time: call it once the client is back, so that the checker has a publish to judge.
   */
  ackedPastResubscribe(opts?: { what?: string }): Promise<void>;
}

/**
 * A fleet (ScenarioContext.fleet): N real devices behind one emulated access point, each its
 * own process, client, client id and Toxiproxy proxy (one Toxiproxy server for all). Device 0
 * is the run's own device (`ctx.device`); the others are dev2…devN. Their events carry their
 * `device` name. Implementation: src/scenario/fleet.ts.
 */
export interface FleetHandle {
  readonly size: number;
  readonly names: readonly string[];
  /** The topic device `name` publishes its stream on: `<up>/<name>`. */
  upTopic(name: string): string;
  /** Every device's (or those of `only`, by index) latest own signal is `up`. */
  up(opts: { within: number; what?: string; only?: number[] }): Promise<void>;
  /** Every device (or those of `only`) came back after the latest fault: its own `down` (or exit) since it began, then `up`. */
  reconnected(opts: { within: number; what?: string; only?: number[] }): Promise<void>;
  /** What a fault acts on for device `i` alone: ctx.inject(apLoss(fleet.targets(3))). */
  targets(i: number): FaultTargets;
  /** The whole fleet behind its access point: ctx.inject(apReboot(fleet.all)). */
  readonly all: FaultTargets;
  /** Every device publishes a numbered stream on its own upTopic; `acked(n)` waits for n more from each. */
  publishEvery(opts: StreamOptions): StreamHandle;
  /** RSS and CPU time of every device process now, recorded as `lab fleet.sample` with `label`. */
  sample(label: string): void;
}

export interface ScenarioContext {
  device: DeviceHandle;
  broker: BrokerHandle;
  observer: ObserverHandle;
  /** This run's own topics, so parallel runs never hear each other; `base` is their common prefix. */
  topics: Topics;
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
  /** Connect an independent MQTT.js peer to the broker; torn down with the run. */
  peer(name: string, opts?: PeerOptions): Promise<PeerHandle>;
  /**
   * Connect a peer the broker must refuse; resolves with the CONNACK reason code (v5) or
   * return code (3.1.1), or undefined when the broker just closed the socket.
   */
  refusedPeer(name: string, opts?: PeerOptions): Promise<{ reasonCode?: number; closed: boolean }>;
  /** Sleep that ends early when the run is torn down. Prefer waiting on events. */
  wait(ms: number): Promise<void>;
  note(text: string): void;
  /** From now on the device is doing `name` ("idle", "burst"…) until the next: budgets are judged per activity. */
  activity(name: string): void;
  /** The timeline's clock (ms since the run started), e.g. for an ExpectationFailed's `since`. */
  now(): number;
  /**
   * The one bounded device operation: the client's answer to `op` within `bound.within` ms.
   * With `what` it is a step the scenario cannot go on without (see AnswerBound). Without, the
   * answer is itself what a check judges (opAnswered): the ack, or undefined when none came in
   * time or the operation failed — never a stop.
   */
  answered(op: Promise<Ack>, bound: AnswerBound): Promise<Ack>;
  answered(op: Promise<Ack>, bound: { within: number }): Promise<Ack | undefined>;
  /**
   * The DSL's wait on the timeline: the first event matching `pred` that is already there (from
   * `since`, a mark(); default the run's start), else the next one within `within` ms. With
   * `what`, none in time fails that expectation; without, it resolves undefined.
   */
  seen(pred: (e: TimelineEvent) => boolean, opts: { within: number; what: string; since?: number }): Promise<TimelineEvent>;
  seen(pred: (e: TimelineEvent) => boolean, opts: { within: number; since?: number }): Promise<TimelineEvent | undefined>;
  /** A mark on the timeline (how many events it holds now): seen({ since }) looks only after it. */
  mark(): number;
  /**
   * mosquitto's own `mosquitto_sub` (Debian mosquitto-clients) against the run's broker, a
   * lab-owned child process: resolves once its SUBACK came. Every message it prints becomes a
   * `peer recv` event of peer `name` with the v5 properties it shows (MQTT.js names), so
   * delivered({to: "peer:<name>"}) judges it like any peer. The run's protocol unless told.
   */
  mosquittoSub(name: string, topic: string, opts?: MosquittoSubOptions): Promise<MosquittoSubHandle>;
  /** mosquitto's own `mosquitto_pub`: resolves when it exited (QoS 1/2: after the PUBACK/PUBCOMP). */
  mosquittoPub(name: string, topic: string, payload: string | { hex: string }, opts?: MosquittoPubOptions): Promise<{ code: number | null; output: string[] }>;
  /**
   * Start a fleet of `size` devices (the run's own device and size − 1 more), all powered on
   * together as behind one access point, each started with the run's client settings and its
   * own client id; resolves once every agent said hello and was told to start (wait with
   * fleet.up). `faraday run --fleet-size N` overrides `size`.
   */
  fleet(size: number): Promise<FleetHandle>;
  /** The person at the bench, for steps only a person can do (scenarios/manual/): prompted, or applied by the lab when unattended. */
  bench: Bench;
}

/** How long the client has to answer a device operation the scenario cannot go on without. */
export interface AnswerBound {
  /** Milliseconds the client has to answer. */
  within: number;
  /**
   * The step, e.g. "the device subscribes": no answer in time fails this expectation ("… (no
   * answer from the client)"), and so does a refusal ("… (the client answered: …)").
   */
  what: string;
  /** Hand a refusal (ack.ok false) back instead: a check judges it, the scenario goes on. */
  refusalReturned?: true;
}

export interface MosquittoSubOptions {
  qos?: 0 | 1 | 2;
  /** Exit after this many messages (-C). */
  count?: number;
  /** v5 Subscription Identifier of its SUBSCRIBE (-D subscribe subscription-identifier). */
  subscriptionIdentifier?: number;
  protocol?: Protocol;
}

export interface MosquittoSubHandle {
  readonly name: string;
  /** The QoS its SUBACK granted. */
  readonly granted: number | undefined;
  received(match: MatchSpec, opts: { within: number; what?: string }): Promise<Received>;
  /** Stop it (it is stopped at teardown anyway). */
  stop(): Promise<void>;
}

export interface MosquittoPubOptions {
  qos?: 0 | 1 | 2;
  retain?: boolean;
  /**
   * v5 PUBLISH properties by MQTT.js name, sent with -D publish: payloadFormatIndicator,
   * messageExpiryInterval, contentType, responseTopic, correlationData (text only: a command
   * line cannot carry a 00 byte or bytes that are not UTF-8), userProperties (repeated names as arrays).
   */
  props?: Record<string, unknown>;
  protocol?: Protocol;
}

export interface Scenario {
  id: string;
  title: string;
  /** The faults (and profiles) it applies, for `faraday list` and the report. */
  faults?: string[];
  /**
   * Feature ids this scenario needs. A client that declares one unsupported is `unsupported`
   * (a compliance scenario still runs as a probe, to find declared gaps that work); a broker
   * that lacks one is `skip`.
   */
  requires?: string[];
  /** The feature a compliance scenario proves; it fills the compliance matrix. */
  feature?: Feature;
  /** Protocols the scenario is written for (default both). */
  protocols?: Protocol[];
  client?: ClientSettings;
  /** The device itself: a small heap, a precompiled client (ignored by the Node reference). */
  device?: DeviceSettings;
  /** Whether the broker must keep sessions through a crash, and how it must be configured. */
  broker?: { durable?: boolean; settings?: BrokerSettings };
  /** Upper bound of the whole run, in ms (the lab's own timeout, not a client bound). */
  timeoutMs?: number;
  /** It has steps only a person can do (a guided run, scenarios/manual/): it needs a terminal, or --unattended. */
  manual?: boolean;
  run(ctx: ScenarioContext): Promise<void>;
  checks(ctx: CheckContext): Check[];
}

/** Declares a scenario (identity with types, so scenario files read as data). */
export function scenario(s: Scenario): Scenario {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(s.id)) throw new Error(`scenario id "${s.id}" must be kebab-case`);
  return s;
}
