import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Lab } from "../lab/lab.ts";
import { assertPortFree } from "../lab/ports.ts";
import { BrokerUnavailable, startProcessBroker, type BrokerFactory, type BrokerSpec, type Protocol, type RunningBroker } from "./broker.ts";
import type { Connack } from "./mosquitto.ts";
import { defineBroker, portOf } from "./kind.ts";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The child process: aedes on a net.Server, logging CONNECT/CONNACK to stderr. */
export const AEDES_HARNESS = join(repo, "harness", "brokers", "aedes.mjs");

/**
 * aedes 1.2.0 (npm, pinned exactly in package.json), sources in node_modules/aedes.
 */
export const AEDES_LACKS: Readonly<Record<string, string>> = {
  mqtt5:
    'aedes 1.2.0 speaks MQTT 3.1 and 3.1.1 only: its README lists "MQTT 5.0 (not support yet)" and lib/handlers/connect.js answers protocolVersion > 4 with CONNACK return code 1 (unacceptable protocol version)',
  "shared-subscriptions":
    "aedes 1.2.0 has no $share handling (nothing in lib/ or aedes.js reads it): a $share/g/t filter is granted as an ordinary topic and never receives what is published to t (checked here)",
  persistence:
    "the harness uses aedes' default in-memory aedes-persistence; disk-backed ones are separate packages (aedes-persistence-level, -mongodb, -redis; -sqlite needs node:sqlite, Node 22): a crash loses every session and queued message",
  "sys-topics":
    "aedes publishes only $SYS/<broker id>/heartbeat, /birth, /new/clients and /disconnect/clients (aedes.js) — none of the $SYS/broker/… statistics mosquitto and mochi publish",
  "dup-on-resend":
    "aedes 1.2.0 resends an unacknowledged QoS 1 message to a reconnecting persistent session with DUP 0 (MQTT-3.3.1-1 wants DUP 1): measured with the lab's wire tap in v3-dup-on-resend, where mosquitto and mochi send DUP 1",
  "topic-validation":
    "aedes 1.2.0 accepts a PUBLISH whose topic contains U+0000 and routes it to subscribers (MQTT-1.5.3-2 wants the connection closed): measured in v3-topic-null-char, where mosquitto closes it as a malformed packet",
};

export const AEDES_SPEC: BrokerSpec = {
  kind: "aedes",
  protocols: ["3.1.1"],
  durable: false,
  lacks: AEDES_LACKS,
};

export interface AedesOptions {
  /** Node to run the harness with; by default the one running the lab. */
  node?: string;
  port?: number;
  readyWithinMs?: number;
}

/** Why aedes cannot start here (the npm package or the harness is missing), or undefined. */
export function aedesMissing(): string | undefined {
  if (!existsSync(AEDES_HARNESS)) return `${AEDES_HARNESS} is missing`;
  try {
    createRequire(AEDES_HARNESS).resolve("aedes");
    return undefined;
  } catch {
    return "the npm package aedes is not installed — run: npm install";
  }
}

/** The installed aedes version (from its package.json), or undefined when it is not installed. */
export function aedesVersion(): string | undefined {
  try {
    // aedes' "exports" hides its package.json: find it beside the entry point.
    const pkg = join(dirname(createRequire(AEDES_HARNESS).resolve("aedes")), "package.json");
    return (JSON.parse(readFileSync(pkg, "utf8")) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

export function aedes(opts: AedesOptions = {}): BrokerFactory {
  return {
    ...AEDES_SPEC,
    async unavailable() {
      return aedesMissing();
    },
    async start(lab: Lab, { protocol }: { protocol: Protocol }): Promise<RunningBroker> {
      const missing = aedesMissing();
      if (missing) throw new BrokerUnavailable(missing);
      const port = opts.port ?? (await lab.port());
      await assertPortFree(port, "aedes");
      return startProcessBroker({
        spec: AEDES_SPEC,
        lab,
        port,
        // Readiness by a CONNECT it can accept: a v5 CONNECT is refused (return code 1).
        protocol: AEDES_SPEC.protocols.includes(protocol) ? protocol : "3.1.1",
        cmd: opts.node ?? process.execPath,
        args: [AEDES_HARNESS, "--port", String(port)],
        cwd: repo,
        connackReader: aedesConnackReader,
        ...(opts.readyWithinMs !== undefined ? { readyWithinMs: opts.readyWithinMs } : {}),
      });
    },
  };
}

export const aedesBroker = defineBroker({
  name: "aedes",
  help: "aedes 1.2.0 (npm) on a net.Server in a child process; MQTT 3.1.1 only",
  runs: "process",
  from: () => `node harness/brokers/aedes.mjs, aedes ${aedesVersion() ?? "?"}`,
  make: (c) => aedes({ ...portOf(c) }),
});

/** MQTT protocol level (3 = 3.1, 4 = 3.1.1, 5 = 5) in mosquitto's numbering, which `broker connack` events use. */
export function mosquittoProtocolNumber(level: number): number {
  return level === 3 ? 1 : level === 4 ? 2 : level;
}

/**
 * The harness's CONNACK lines as `broker connack` events, the same fields mosquitto's give:
 * `CONNACK to "dev1" (p4, c0, k6) session present 1, return code 0`.
 */
export function aedesConnackReader(): { feed(line: string): Connack | undefined } {
  return {
    feed(line) {
      const m = /^CONNACK to ("(?:[^"\\]|\\.)*") \(p(\d+), c([01]), k\d+\) session present ([01]), return code (\d+)/.exec(line);
      if (!m) return undefined;
      let client: string;
      try {
        client = JSON.parse(m[1]!) as string;
      } catch {
        return undefined;
      }
      return {
        client,
        protocol: mosquittoProtocolNumber(Number(m[2])),
        cleanStart: m[3] === "1",
        sessionPresent: m[4] === "1",
        reason: Number(m[5]),
      };
    },
  };
}
