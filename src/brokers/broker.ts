import { readFileSync } from "node:fs";
import mqtt from "mqtt";
import type { Lab } from "../lab/lab.ts";
import type { OwnedProcess } from "../lab/process.ts";
import { until } from "../lab/ready.ts";
import { LabError } from "../lab/errors.ts";
import type { Protocol } from "../mqtt/protocol.ts";

export type { Protocol } from "../mqtt/protocol.ts";

/**
 * What a broker kind is and promises. `durable` says whether a crash (SIGKILL) keeps the
 * sessions and queued messages it had acknowledged: checkers charge losses to the broker
 * when it is not durable (see "Whose loss is it?" in the design).
 */
export interface BrokerSpec {
  kind: string;
  protocols: readonly Protocol[];
  durable: boolean;
  /**
   * Features (the ids scenarios `require`, as in client manifests) this broker is known not to
   * offer, each with the reason and its source. A scenario that needs one is `skip` on this
   * broker, never `fail` for the client.
   */
  lacks?: Readonly<Record<string, string>>;
  /**
   * Why this broker cannot run on this machine right now (no Docker engine, no image), or
   * undefined when it can. Asked once per invocation, quickly; a reason makes every run on
   * this broker `skip` with it.
   */
  unavailable?(): Promise<string | undefined>;
  /** The BrokerSettings keys this kind can apply (users, maxPacketSize…); a scenario needing another one is `skip`. */
  settings?: readonly string[];
}

/** A broker this lab started. One shape for every kind: faults only use this. */
export interface RunningBroker extends BrokerSpec {
  readonly host: string;
  readonly port: number;
  /** A TLS listener's port, beside the plain `port`, when the run's settings asked for tls. */
  readonly tlsPort?: number;
  /** The PEM file of the CA that signed the TLS listener's certificate. */
  readonly caFile?: string;
  /** Start again on the same port and data folder (after crash or shutdown). */
  start(): Promise<void>;
  /** SIGKILL: the OS resets every socket; nothing is flushed. */
  crash(): Promise<void>;
  /** SIGTERM: a clean stop. */
  shutdown(): Promise<void>;
  /** SIGSTOP: sockets stay open and nothing answers. Resolves once the kernel has stopped it. */
  freeze(): Promise<void>;
  /** SIGCONT; resolves once it runs again. */
  thaw(): Promise<void>;
  readonly running: boolean;
}

export interface BrokerFactory extends BrokerSpec {
  /** Start in the lab's sandbox on a free port; resolves once a real MQTT client connected. */
  start(lab: Lab, opts: { protocol: Protocol }): Promise<RunningBroker>;
}

/** Readiness by a real MQTT CONNECT/CONNACK, not by an open port. */
export function mqttConnects(port: number, protocol: Protocol, timeoutMs = 1000, auth?: { username: string; password: string }): Promise<boolean> {
  return new Promise((resolve) => {
    const c = mqtt.connect({
      host: "127.0.0.1",
      port,
      protocolVersion: protocol === "5" ? 5 : 4,
      reconnectPeriod: 0,
      connectTimeout: timeoutMs,
      clientId: `faraday-probe-${Math.random().toString(16).slice(2, 10)}`,
      ...(auth ?? {}),
    });
    const done = (ok: boolean) => {
      c.end(true);
      resolve(ok);
    };
    c.once("connect", () => done(true));
    c.once("error", () => done(false));
    c.once("close", () => done(false));
  });
}

/** A kind that cannot start here: `unavailable()` and `start()` both say why (a missing tool, no engine). */
export class BrokerUnavailable extends LabError {}

/**
 * Shared by the brokers that are a local child process (mosquitto, mochi, aedes): start it in
 * the lab, wait for a real CONNACK, and give it the one shape faults use. Every output line
 * becomes a `broker log` event; `connackReader` turns a line into the broker's word on a
 * CONNECT (a `broker connack` event, as mosquitto's log gives), when the broker says it.
 */
export interface ProcessBrokerOptions {
  /** What the kind is; the running broker states it too (protocols, durable, lacks, settings). */
  spec: BrokerSpec;
  lab: Lab;
  port: number;
  /** Protocol of the readiness CONNECT (one the broker speaks). */
  protocol: Protocol;
  /** Who the readiness CONNECT logs in as, when the broker refuses anonymous clients. */
  probeAuth?: { username: string; password: string } | undefined;
  cmd: string;
  args: string[];
  cwd?: string;
  /** Called at each start of the process for the reader of its log lines. */
  connackReader?: () => { feed(line: string): object | undefined };
  /** The TLS listener the broker opened beside `port`, and the CA that signed its certificate. */
  tls?: { port: number; caFile: string } | undefined;
  /** From spawn to the first CONNACK, in ms (default 5000). */
  readyWithinMs?: number;
}

export async function startProcessBroker(o: ProcessBrokerOptions): Promise<RunningBroker> {
  const { spec, lab, port } = o;
  const name = spec.kind;
  const tl = lab.timeline;
  let proc: OwnedProcess | undefined;
  const launch = async (): Promise<void> => {
    const reader = o.connackReader?.();
    proc = lab.spawn({
      name,
      vital: true,
      cmd: o.cmd,
      args: o.args,
      ...(o.cwd !== undefined ? { cwd: o.cwd } : {}),
      onLine: (line) => {
        tl.record("broker", "log", { broker: name, line });
        const connack = reader?.feed(line);
        if (connack) tl.record("broker", "connack", { broker: name, ...connack });
      },
    });
    const p = proc;
    await until(`${name} on port ${port} answering CONNECT`, () => mqttConnects(port, o.protocol, 1000, o.probeAuth), {
      withinMs: o.readyWithinMs ?? 5000,
      proc: p,
    });
    tl.record("broker", "ready", { broker: name, port, pid: p.pid });
  };
  try {
    await launch();
  } catch (err) {
    await proc?.kill();
    throw err;
  }
  lab.defer(`stop ${name}`, () => proc?.stop());
  const current = (): OwnedProcess => {
    if (!proc) throw new LabError(`${name} was never started`);
    return proc;
  };
  return {
    kind: spec.kind,
    protocols: spec.protocols,
    durable: spec.durable,
    ...(spec.lacks ? { lacks: spec.lacks } : {}),
    ...(spec.settings ? { settings: spec.settings } : {}),
    host: "127.0.0.1",
    port,
    ...(o.tls ? { tlsPort: o.tls.port, caFile: o.tls.caFile } : {}),
    get running() {
      return proc?.running ?? false;
    },
    async start() {
      if (proc?.running) return;
      await launch();
    },
    async crash() {
      const p = current();
      p.signal("SIGKILL");
      await p.exited;
      tl.record("broker", "exit", { broker: name, how: "SIGKILL" });
    },
    async shutdown() {
      const p = current();
      await p.stop(5000);
      tl.record("broker", "exit", { broker: name, how: "SIGTERM", code: p.exitCode?.code ?? null });
    },
    async freeze() {
      const p = current();
      p.signal("SIGSTOP");
      await waitProcessState(p, (s) => s === "T" || s === "t");
    },
    async thaw() {
      const p = current();
      p.signal("SIGCONT");
      await waitProcessState(p, (s) => s !== "T" && s !== "t");
    },
  };
}

/** The state letter of /proc/PID/stat (R, S, T, Z …), or undefined without /proc or process. */
export function procStateOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const i = stat.lastIndexOf(")");
    return stat.slice(i + 2, i + 3);
  } catch {
    return undefined;
  }
}

/**
 * Wait until /proc says the process is in the wanted state (signals are asynchronous: a
 * freeze "injected" before the kernel stopped the broker would stamp the wrong time).
 */
export async function waitProcessState(p: OwnedProcess, wanted: (state: string) => boolean, withinMs = 2000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (p.running && p.pid !== undefined && Date.now() < deadline) {
    const state = procStateOf(p.pid);
    if (state === undefined || wanted(state)) return; // no /proc (not Linux) or gone: nothing to wait for
    await new Promise((r) => setTimeout(r, 5));
  }
}
