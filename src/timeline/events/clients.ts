// The events of the clients in a run: the device under test, the lab's observer and a
// scenario's peers (src/timeline/events.ts says what the union promises).
import type { Base, Bytes, Props } from "./base.ts";

// ── device: the agent's events (docs/agent-protocol.md), each with the device's name and its
// own clock reading (`dt_dev`, ms on ticks_ms()), and the host's `op`, `exit` and `log`.

interface DeviceEvent<K extends string> extends Base<"device", K> {
  /** The device's name in the lab ("dev1"). */
  device: string;
  /** The device's own ticks_ms() when it wrote the event (absent on host-made events). */
  dt_dev?: number;
  /**
   * How much later than the device wrote it the host read the event, in ms, when 100 ms or more
   * (a starved host): by the device's clock, against the promptest reading of the run (AgentChannel).
   */
  readLateMs?: number;
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
  /** The lowest free heap the agent saw so far (sampled with each heartbeat, before collection). */
  low?: number;
  client?: Record<string, unknown>;
}
/** Heartbeat every 500 ms: the agent's loop is alive. */
export interface DeviceHb extends DeviceEvent<"hb"> {
  /**
   * The agent's idle counter: ms its event loop has waited with nothing to run since it started
   * (absent when its asyncio has no IOQueue to time). A board's CPU budget, with `dt_dev`.
   */
  idleMs?: number;
}
/**
 * The unix device's emulated WLAN (--board): a status() value the client is shown for the first
 * time, or the one a connect(), disconnect(), AP change or WiFi-stack fault led to (`why`).
 */
export interface DeviceWlan extends DeviceEvent<"wlan"> {
  status: number;
  why: string;
  /** The AP the station was told to join (connect()'s ssid: --wifi-ssid on a board); never its password. */
  ssid?: string;
}
/** The agent is about to block its main loop for `ms` (the `block` op: a slow application). */
export interface DeviceBlocked extends DeviceEvent<"blocked"> {
  ms: number;
}
/** The device process's CPU time so far (host-made, from /proc/<pid>/stat on the unix device). */
export interface DeviceCpu extends DeviceEvent<"cpu"> {
  /** user + system CPU time of the process since it started, ms. */
  cpuMs: number;
}
/** A (re)subscription the client confirmed. */
export interface DeviceSubscribed extends DeviceEvent<"subscribed"> {
  topic: string;
}
/** The device process ended (host-made): exit code or signal, and its last lines of output. */
export interface DeviceExit extends DeviceEvent<"exit"> {
  code: number | null;
  signal: string | null;
  tail: string[];
  /** Lines of the client's own output the host left off the timeline (a fleet device's quietLog). */
  droppedLogLines?: number;
  /** How the host knows it ended when no exit status says it (the power went by a person's word). */
  note?: string;
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
  | DeviceWlan
  | DeviceCpu
  | DeviceBlocked
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
