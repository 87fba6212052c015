/**
 * What each event on the timeline carries, per `src` and `kind`, as the code that records it
 * writes it today. Recorders: device — src/devices/channel.ts (the agent's own events,
 * docs/agent-protocol.md, plus `op`, `exit` and synthesized `log`); observer —
 * src/observer/observer.ts; peer — src/scenario/peer.ts, mosquittoPeer.ts; broker —
 * src/brokers/*; fault — src/faults/fault.ts and the fault files; wire — src/lab/wiretap.ts;
 * lab — src/lab/*.ts, src/scenario/runner.ts, context.ts and a few scenarios.
 *
 * The union narrows, it never rejects: a timeline is read as it was written, by whatever
 * version wrote it, so `TimelineEvent` also admits any other `kind`, and a field a recorder
 * added later may be missing from an older run. A device's fields are its agent's word (JSON
 * from the device, unchecked): checkers still test what they rely on (`typeof e.free === "number"`).
 * Narrow with the guards (`isDevice(e, "up")`, `isDeviceUp(e)`, src/timeline/is.ts).
 */

/** Who recorded an event. Every event is stamped on one host monotonic clock. */
export type Source = "device" | "broker" | "fault" | "observer" | "peer" | "wire" | "lab";

/** Message contents as the timeline writes them: UTF-8 text as a string, other bytes as {"hex": …} (src/mqtt/values.ts). */
export type Bytes = string | { hex: string };

/** v5 properties by MQTT.js's names, values as the timeline writes them. */
export type Props = Record<string, unknown>;

/**
 * One line of timeline.jsonl. `t` is milliseconds since the run started, on the host's
 * monotonic clock, so events from the device, the broker, the faults and the observer can be
 * ordered against each other.
 */
interface Base<S extends Source, K extends string> {
  t: number;
  src: S;
  kind: K;
  [field: string]: unknown;
}

// ── device: the agent's events (docs/agent-protocol.md), each with the device's name and its
// own clock reading (`dt_dev`, ms on ticks_ms()), and the host's `op`, `exit` and `log`.

interface DeviceEvent<K extends string> extends Base<"device", K> {
  /** The device's name in the lab ("dev1"). */
  device: string;
  /** The device's own ticks_ms() when it wrote the event (absent on host-made events). */
  dt_dev?: number;
}
export interface DeviceHello extends DeviceEvent<"hello"> {
  client?: string;
  version?: string;
  protocols?: string[];
  impl?: string;
  free?: number;
}
/** An operation the host sent: `op` and its fields (`topic`, `payload`, `qos`, `retain`, `props`, `cfg`, `up`…). */
export interface DeviceOp extends DeviceEvent<"op"> {
  id: number;
  op: string;
  topic?: string;
  payload?: Bytes;
  qos?: number;
  retain?: boolean;
  props?: Props;
  /** start: the client's configuration (docs/agent-protocol.md, `cfg`). */
  cfg?: Record<string, unknown>;
  /** wifi: the emulated WLAN's new state. */
  up?: boolean;
}
/** The answer to one operation; `op` is added by the host when it knows the operation. */
export interface DeviceAck extends DeviceEvent<"ack"> {
  id: number;
  ok: boolean;
  op?: string;
  /** ms the operation took, on the device. */
  dt?: number;
  err?: string;
  /** PUBACK reason code, when the client exposes it. */
  reason?: number;
  /** SUBACK codes, when the client exposes them. */
  granted?: number[];
}
/** The client's own "connected"; each field only when the client exposes it. */
export interface DeviceUp extends DeviceEvent<"up"> {
  session_present?: boolean;
  reason?: number;
  props?: Props;
}
/** The client's own "outage". */
export type DeviceDown = DeviceEvent<"down">;
/** The server sent a v5 DISCONNECT (when the client exposes it). */
export interface DeviceDisconnected extends DeviceEvent<"disconnected"> {
  reason?: number;
  props?: Props;
}
/** A message the client delivered to the application. `retained`: a bool, or the bit (aiomqttc). */
export interface DeviceMsg extends DeviceEvent<"msg"> {
  topic: string;
  payload: Bytes;
  retained?: boolean | number;
  qos?: number;
  dup?: boolean;
  props?: Props;
}
/** An exception escaped the client or the adapter. */
export interface DeviceError extends DeviceEvent<"error"> {
  msg: string;
  /** Traceback text ("" when there is none). */
  tb?: string;
}
/** The client's own output: a non-JSON line of the device (the host makes it), or the agent's `log`. */
export interface DeviceLog extends DeviceEvent<"log"> {
  line: string;
  stream?: "stderr";
  /** Why the host kept a line as output ("malformed agent line"). */
  note?: string;
}
/** Heap after gc.collect(); `client`: the client's own counters, when the adapter has them. */
export interface DeviceMem extends DeviceEvent<"mem"> {
  free: number;
  alloc: number;
  client?: Record<string, unknown>;
}
/** Heartbeat every 500 ms: the agent's loop is alive. */
export type DeviceHb = DeviceEvent<"hb">;
/** A (re)subscription the client confirmed. */
export interface DeviceSubscribed extends DeviceEvent<"subscribed"> {
  topic: string;
}
/** The device process ended (host-made): exit code or signal, and its last lines of output. */
export interface DeviceExit extends DeviceEvent<"exit"> {
  code: number | null;
  signal: string | null;
  tail: string[];
}

// ── observer: the lab's MQTT.js witness on the broker side.

export interface ObserverUp extends Base<"observer", "up"> {
  sessionPresent: boolean;
}
export type ObserverDown = Base<"observer", "down">;
export interface ObserverError extends Base<"observer", "error"> {
  msg: string;
}
export interface ObserverSubscribed extends Base<"observer", "subscribed"> {
  topics: string[];
}
/** A message the observer received (what the device published). */
export interface ObserverRecv extends Base<"observer", "recv"> {
  topic: string;
  payload: Bytes;
  qos: number;
  retain: boolean;
  dup: boolean;
  props?: Props;
}
/** A message the observer handed to MQTT.js for the device; `id` ties it to its puback or error. */
export interface ObserverPublish extends Base<"observer", "publish"> {
  id: number;
  topic: string;
  payload: string;
  qos: number;
  retain: boolean;
}
export interface ObserverPuback extends Base<"observer", "puback"> {
  id: number;
  topic: string;
  payload: string;
  qos: number;
}
export interface ObserverPublishError extends Base<"observer", "publish.error"> {
  id: number;
  topic: string;
  payload: string;
  msg: string;
}

// ── peer: a scenario's other clients (MQTT.js, mosquitto_sub/mosquitto_pub), by name.

interface PeerEvent<K extends string> extends Base<"peer", K> {
  /** The peer's name in the scenario. */
  peer: string;
  /** "mosquitto_sub" / "mosquitto_pub" for a mosquitto client; absent for MQTT.js. */
  via?: string;
}
/** The broker's CONNACK accepted the peer (mosquitto_sub: its log `line` said so). */
export interface PeerUp extends PeerEvent<"up"> {
  sessionPresent?: boolean;
  reasonCode?: number;
  props?: Props;
  line?: string;
}
/** The broker refused a peer's connection: with a reason code, or by closing it. */
export interface PeerRefused extends PeerEvent<"refused"> {
  msg?: string;
  reasonCode?: number;
  closed?: boolean;
}
export interface PeerRecv extends PeerEvent<"recv"> {
  topic: string;
  payload: Bytes;
  qos: number;
  retain: boolean;
  dup?: boolean;
  props?: Props;
}
export interface PeerPublish extends PeerEvent<"publish"> {
  topic: string;
  payload: Bytes;
  qos: number;
  retain: boolean;
  props?: Props;
  /** mosquitto_pub's arguments. */
  args?: string[];
}
export interface PeerPublishError extends PeerEvent<"publish.error"> {
  topic: string;
  msg: string;
  reasonCode?: number;
}
export interface PeerPuback extends PeerEvent<"puback"> {
  messageId: number;
  reasonCode?: number;
}
export interface PeerPubrec extends PeerEvent<"pubrec"> {
  messageId: number;
  reasonCode?: number;
}
export interface PeerSuback extends PeerEvent<"suback"> {
  topic: string;
  granted: number[];
  err?: string;
}
/** The server's DISCONNECT to the peer. */
export interface PeerDisconnect extends PeerEvent<"disconnect"> {
  reasonCode?: number;
  props: Props;
}
export type PeerClose = PeerEvent<"close">;
export type PeerDestroyed = PeerEvent<"destroyed">;
export interface PeerError extends PeerEvent<"error"> {
  msg: string;
}
export interface PeerSpawn extends PeerEvent<"spawn"> {
  cmd: string;
  args: string[];
}
export interface PeerLog extends PeerEvent<"log"> {
  line: string;
  stream?: "stderr";
}
export interface PeerExit extends PeerEvent<"exit"> {
  code: number | null;
  signal: string | null;
}

// ── broker

interface BrokerEvent<K extends string> extends Base<"broker", K> {
  /** The broker's kind ("mosquitto", "aedes"…). */
  broker: string;
}
/** One line of the broker's own output. */
export interface BrokerLog extends BrokerEvent<"log"> {
  line: string;
}
/** The broker's word on one CONNECT, read from its log (mosquitto): what was asked, what it answered. */
export interface BrokerConnack extends BrokerEvent<"connack"> {
  client: string;
  /** mosquitto's numbering: 1 = 3.1, 2 = 3.1.1, 5 = 5. */
  protocol: number;
  cleanStart: boolean;
  sessionPresent: boolean;
  reason: number;
}
export interface BrokerReady extends BrokerEvent<"ready"> {
  port: number;
  pid?: number;
  /** A container's id (first 12 characters). */
  container?: string;
}
/** The broker stopped: killed (SIGKILL) or shut down (SIGTERM, with its exit code). */
export interface BrokerExit extends BrokerEvent<"exit"> {
  how: "SIGKILL" | "SIGTERM";
  code?: number | null;
}

// ── fault: the nemesis's record of each fault, and what faults say while in effect.

interface FaultEvent<K extends "start" | "injected" | "healing" | "end"> extends Base<"fault", K> {
  /** The nemesis's id of this injection. */
  id: string;
  /** The fault's kind ("brokerCrash", "latency"…). */
  fault: string;
}
export interface FaultStart extends FaultEvent<"start"> {
  params: Record<string, unknown>;
}
export type FaultInjected = FaultEvent<"injected">;
export type FaultHealing = FaultEvent<"healing">;
export interface FaultEnd extends FaultEvent<"end"> {
  /** Restored by the lab's teardown, not healed by the scenario. */
  atTeardown?: boolean;
}
/** lossyLink's schedule: the link stalls at step `step`… */
export interface FaultStall extends Base<"fault", "stall"> {
  fault: string;
  seed: number;
  step: number;
}
/** …and flows again. */
export interface FaultFlow extends Base<"fault", "flow"> {
  fault: string;
  seed: number;
  step: number;
}
/** A fault could not do what it had to while in effect. */
export interface FaultError extends Base<"fault", "error"> {
  fault: string;
  msg: string;
}
/** A fault profile (src/faults/profiles/) began: its seed, parameters and planned schedule. */
export interface FaultProfile extends Base<"fault", "profile"> {
  profile: string;
  seed: number;
  params: Record<string, unknown>;
  schedule: unknown;
}
export interface FaultProfileEnd extends Base<"fault", "profile.end"> {
  profile: string;
  seed: number;
}

// ── wire: the lab's tap on the device's own connection (compliance runs).

/** One MQTT packet, `up` (device → broker) or `down`, on connection `conn`; the fields mqtt-packet parsed. */
export interface WirePacket extends Base<"wire", "packet"> {
  dir: "up" | "down";
  /** The device's connection, counted from 1. */
  conn: number;
  /** mqtt-packet's name: "connect", "connack", "publish", "puback"… */
  cmd: string;
  messageId?: number;
  qos?: number;
  dup?: boolean;
  retain?: boolean;
  topic?: string;
  reasonCode?: number;
  returnCode?: number;
  sessionPresent?: boolean;
  clean?: boolean;
  keepalive?: number;
  clientId?: string;
  protocolVersion?: number;
  granted?: unknown[];
  unsubscriptions?: string[];
  subscriptions?: unknown[];
  /** Payload size in bytes; `payload` itself only up to 256 bytes. */
  payloadBytes?: number;
  payload?: Bytes;
  props?: Props;
  username?: string;
  passwordBytes?: number;
  will?: Record<string, unknown>;
}
export interface WireUnparsable extends Base<"wire", "unparsable"> {
  dir: "up" | "down";
  conn: number;
  msg: string;
}
/** A connection through the tap ended, closed by `by` ("device" or "broker"). */
export interface WireClose extends Base<"wire", "close"> {
  conn: number;
  by: string;
}

// ── lab: the run itself.

/** The first event: what ran, and the command to run it again. */
export interface LabRunStart extends Base<"lab", "run.start"> {
  run: string;
  seed: number;
  command: string;
  client: string;
  revision?: string;
}
/** The checkers' context as the run derived it: a CheckContext (src/checks/context.ts, a layer above). */
export interface LabContext extends Base<"lab", "context"> {
  ctx: unknown;
}
/** The lab broke (or was interrupted): the run is `error` whatever the checks say. */
export interface LabErrorEvent extends Base<"lab", "error"> {
  msg: string;
}
/** The scenario gave up waiting for something the client should have done. */
export interface LabExpectationFailed extends Base<"lab", "expectation.failed"> {
  what: string;
  withinMs: number;
  /** When the wait began, ms on the timeline's clock. */
  since: number;
}
export interface LabNote extends Base<"lab", "note"> {
  text: string;
}
/** The lab powered the device off or on (on: maybe with changed settings). */
export interface LabDevicePower extends Base<"lab", "device.power"> {
  on: boolean;
  overrides?: Record<string, unknown>;
}
/** The lab is about to stop the device (`early`: the scenario did not finish). */
export interface LabDeviceStopping extends Base<"lab", "device.stopping"> {
  early?: boolean;
}
/** In-flight messages landed (`complete`) or the drain ran out of time. */
export interface LabDrained extends Base<"lab", "drained"> {
  complete: boolean;
}
export type LabScenarioEnd = Base<"lab", "scenario.end">;
/** A process the lab owns exited. */
export interface LabChildExit extends Base<"lab", "child.exit"> {
  name: string;
  pid?: number;
  code: number | null;
  signal: string | null;
  tail: string[];
}
export interface LabTeardownProblem extends Base<"lab", "teardown.problem"> {
  problems: string[];
}
export interface LabToxiproxyLog extends Base<"lab", "toxiproxy.log"> {
  line: string;
}
export interface LabToxiproxyReady extends Base<"lab", "toxiproxy.ready"> {
  port: number;
  pid?: number;
}
/** The device's own proxy: it listens on `listen` and leads to `upstream`. */
export interface LabLinkProxy extends Base<"lab", "link.proxy"> {
  device: string;
  listen: number;
  upstream: number;
}
/** The broker's TLS listener for a TLS run. */
export interface LabTlsListener extends Base<"lab", "tls.listener"> {
  port: number;
}
/** tls-verify: the client is given a CA that did not sign the server's certificate. */
export interface LabTlsUntrusted extends Base<"lab", "tls.untrusted"> {
  ca: string;
  serverIssuer: string;
  tlsPort: number;
  withinMs: number;
}
export interface LabTlsUntrustedEnd extends Base<"lab", "tls.untrusted.end"> {
  watchedMs: number;
  early?: boolean;
}

export type DeviceEvents =
  | DeviceHello
  | DeviceOp
  | DeviceAck
  | DeviceUp
  | DeviceDown
  | DeviceDisconnected
  | DeviceMsg
  | DeviceError
  | DeviceLog
  | DeviceMem
  | DeviceHb
  | DeviceSubscribed
  | DeviceExit;
export type ObserverEvents = ObserverUp | ObserverDown | ObserverError | ObserverSubscribed | ObserverRecv | ObserverPublish | ObserverPuback | ObserverPublishError;
export type PeerEvents =
  | PeerUp
  | PeerRefused
  | PeerRecv
  | PeerPublish
  | PeerPublishError
  | PeerPuback
  | PeerPubrec
  | PeerSuback
  | PeerDisconnect
  | PeerClose
  | PeerDestroyed
  | PeerError
  | PeerSpawn
  | PeerLog
  | PeerExit;
export type BrokerEvents = BrokerLog | BrokerConnack | BrokerReady | BrokerExit;
export type FaultEvents = FaultStart | FaultInjected | FaultHealing | FaultEnd | FaultStall | FaultFlow | FaultError | FaultProfile | FaultProfileEnd;
export type WireEvents = WirePacket | WireUnparsable | WireClose;
export type LabEvents =
  | LabRunStart
  | LabContext
  | LabErrorEvent
  | LabExpectationFailed
  | LabNote
  | LabDevicePower
  | LabDeviceStopping
  | LabDrained
  | LabScenarioEnd
  | LabChildExit
  | LabTeardownProblem
  | LabToxiproxyLog
  | LabToxiproxyReady
  | LabLinkProxy
  | LabTlsListener
  | LabTlsUntrusted
  | LabTlsUntrustedEnd;

/** Every event this version records. */
export type KnownEvent = DeviceEvents | ObserverEvents | PeerEvents | BrokerEvents | FaultEvents | WireEvents | LabEvents;

/** An event of `src` whose kind this version does not know (an older or newer run's). */
export type OtherEvent<S extends Source = Source> = Base<S, string>;

/** One line of timeline.jsonl: a known event, or any other with `t`, `src` and `kind`. */
export type TimelineEvent = KnownEvent | OtherEvent;

/** The kinds this version records for `src`. */
export type KindOf<S extends Source> = Extract<KnownEvent, { src: S }>["kind"];

/** The known event of `src` and `kind` (`kind` may be a union). */
export type EventOf<S extends Source, K extends string> = Extract<KnownEvent, { src: S; kind: K }>;
