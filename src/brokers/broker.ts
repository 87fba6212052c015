import mqtt from "mqtt";
import type { Lab } from "../lab/lab.ts";

export type Protocol = "3.1.1" | "5";

/**
 * What a broker kind is and promises. `durable` says whether a crash (SIGKILL) keeps the
 * sessions and queued messages it had acknowledged: checkers charge losses to the broker
 * when it is not durable (see "Whose loss is it?" in the design).
 */
export interface BrokerSpec {
  kind: string;
  protocols: readonly Protocol[];
  durable: boolean;
}

/** A broker this lab started. One shape for every kind: faults only use this. */
export interface RunningBroker extends BrokerSpec {
  readonly host: string;
  readonly port: number;
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
export function mqttConnects(port: number, protocol: Protocol, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const c = mqtt.connect({
      host: "127.0.0.1",
      port,
      protocolVersion: protocol === "5" ? 5 : 4,
      reconnectPeriod: 0,
      connectTimeout: timeoutMs,
      clientId: `faraday-probe-${Math.random().toString(16).slice(2, 10)}`,
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
