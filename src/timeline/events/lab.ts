// The events of the lab's own parts: the broker, the faults, the wire tap and the run itself
// (src/timeline/events.ts says what the union promises).
import type { Base, Bytes, Props } from "./base.ts";

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
/**
 * A packet fault (src/faults/packet*.ts) touched one packet on the device's wire: dropped,
 * delayed, duplicated or held it — then released (a delayed or held one went on) or discarded
 * (its connection ended first). `n` counts the packets the fault took.
 */
export interface FaultPacket extends Base<"fault", "packet"> {
  /** The nemesis's id of the injection. */
  id: string;
  fault: string;
  what: "dropped" | "delayed" | "duplicated" | "held" | "released" | "discarded";
  dir: "up" | "down";
  conn: number;
  cmd: string;
  n: number;
  bytes: number;
  messageId?: number;
  qos?: number;
  dup?: boolean;
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
  /** The side that closed first ended with a reset (RST), which the tap passed on as one. */
  reset?: boolean;
}

// ── lab: the run itself.

/** The first event: what ran, and the command to run it again. */
export interface LabRunStart extends Base<"lab", "run.start"> {
  run: string;
  seed: number;
  command: string;
  client: string;
  revision?: string;
  /** --board: the board profile's name. */
  board?: string;
}
/** The scenario says what the device is doing from now on ("idle", "burst"…): budgets are judged per activity. */
export interface LabActivity extends Base<"lab", "activity"> {
  name: string;
}
/** --board: the board the device stands for, and its status() codes by name (for `wlan` events). */
export interface LabBoard extends Base<"lab", "board"> {
  name: string;
  title: string;
  heapKb?: number;
  precompiled: boolean;
  statuses: Record<string, number>;
  /** WiFi-stack faults in effect from boot (the scenario's device.wlan). */
  wlanAtBoot?: Record<string, unknown>;
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
/** The lab powered the device off or on (on: maybe with changed settings); `byHand`: a person did (a guided step), the lab only recorded it. */
export interface LabDevicePower extends Base<"lab", "device.power"> {
  on: boolean;
  byHand?: boolean;
  /** A fleet device other than the run's own (src/scenario/fleet.ts). */
  device?: string;
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
/** One of the run's phases begins (src/lab/phases.ts): setup, connect, scenario, drain, stop, teardown. */
export interface LabPhase extends Base<"lab", "phase"> {
  phase: string;
}
/** Where the run's time went, in ms (the last event, after teardown; also in results.json). */
export interface PhaseTimes {
  setupMs: number;
  connectMs: number;
  scenarioMs: number;
  drainMs: number;
  stopMs: number;
  teardownMs: number;
  /** Within the scenario: its own scripted waits (ctx.wait, a burst's pauses), when no client wait overlaps. */
  scriptedWaitMs: number;
  /** Within the scenario: waiting on the client (an up, a receipt, an answer). */
  clientWaitMs: number;
  /** The lab's share: setup + teardown + the scenario outside every wait. */
  labMs: number;
}
export interface LabPhases extends Base<"lab", "phases">, PhaseTimes {}
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
/** The serial device copied the files whose hash changed to the board (`copied`), and kept the rest. */
export interface LabDeviceDeploy extends Base<"lab", "device.deploy"> {
  device: string;
  port: string;
  copied: string[];
  kept: number;
  /** --wifi-ssid: the WiFi the board was given (its name only; the password is never on the timeline). */
  wifiSsid?: string;
  /** The lab's check that the board joins that WiFi before the first run on it: how long the join took, ms. */
  wifiJoinMs?: number;
}
/** A guided step: shown to the person at the bench (`prompt`), then done (`done`, when they pressed Enter or the lab applied `fault` unattended). */
export interface LabManualStep extends Base<"lab", "manual.prompt" | "manual.done"> {
  step: string;
  text: string;
  unattended?: boolean;
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

/** A fleet powered on together (src/scenario/fleet.ts): its size and device names, device 0 the run's own. */
export interface LabFleetStart extends Base<"lab", "fleet.start"> {
  size: number;
  names: string[];
  /** ms between two devices' power-on (0: all together, as behind one AP). */
  stagger: number;
}
/** Every agent of the fleet said hello, `helloMs` after the first was launched. */
export interface LabFleetLaunched extends Base<"lab", "fleet.launched"> {
  size: number;
  helloMs: number;
}
/** Each device process's RSS (kB) and CPU time (ms) at one moment, in the order of fleet.start's names (null: unreadable). */
export interface LabFleetSample extends Base<"lab", "fleet.sample"> {
  label: string;
  rssKb: (number | null)[];
  cpuMs: (number | null)[];
}

export type BrokerEvents = BrokerLog | BrokerConnack | BrokerReady | BrokerExit;
export type FaultEvents = FaultStart | FaultInjected | FaultHealing | FaultEnd | FaultStall | FaultFlow | FaultError | FaultProfile | FaultProfileEnd | FaultPacket;
export type WireEvents = WirePacket | WireUnparsable | WireClose;
export type LabEvents =
  | LabRunStart
  | LabBoard
  | LabActivity
  | LabContext
  | LabErrorEvent
  | LabExpectationFailed
  | LabNote
  | LabDevicePower
  | LabDeviceStopping
  | LabDrained
  | LabScenarioEnd
  | LabPhase
  | LabPhases
  | LabChildExit
  | LabTeardownProblem
  | LabToxiproxyLog
  | LabToxiproxyReady
  | LabLinkProxy
  | LabTlsListener
  | LabTlsUntrusted
  | LabTlsUntrustedEnd
  | LabFleetStart
  | LabFleetLaunched
  | LabFleetSample

  | LabDeviceDeploy
  | LabManualStep;
