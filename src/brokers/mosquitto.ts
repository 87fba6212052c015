// mosquitto 2.0 (Debian's package), the default broker kind. What is mosquitto's own is here:
// its config file, its users file and the reader of its log; starting it, waiting for a real
// CONNACK, crash, shutdown, freeze and thaw are startProcessBroker's (broker.ts), as for mochi and aedes.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createHash, randomBytes } from "node:crypto";
import type { BrokerSettings } from "./settings.ts";
import type { Lab } from "../lab/lab.ts";
import { assertPortFree } from "../lab/ports.ts";
import { startProcessBroker, type BrokerFactory, type BrokerSpec, type Protocol, type RunningBroker } from "./broker.ts";
import { defineBroker, portOf } from "./kind.ts";
import { makeTlsFiles, OPENSSL, type TlsFiles } from "./tlsMaterial.ts";

export interface MosquittoOptions {
  /** Path of the mosquitto binary. */
  bin: string;
  /**
   * Save the in-memory database after every change (autosave_interval 1 with
   * autosave_on_changes), so a SIGKILL keeps sessions and queued messages. With the
   * default autosave (every 1800 s) a crash loses both: that is the non-durable kind.
   */
  durable?: boolean;
  /** Fixed port; by default a free one. */
  port?: number;
  /** Milliseconds to wait for the first CONNACK. */
  readyWithinMs?: number;
  /** What a compliance scenario needs configured: users, limits. */
  settings?: BrokerSettings;
}

/**
 * What mosquitto 2.0.11 does not offer, each measured in the lab (compliance scenarios on
 * the MQTT.js reference) and, where the spec allows it, marked optional.
 */
export const MOSQUITTO_LACKS: Readonly<Record<string, string>> = {
  "server-disconnect":
    "mosquitto 2.0.11 closes the older connection on a session takeover without the DISCONNECT 0x8E (Session taken over) that MQTT-3.1.4-3 requires, and sends none on SIGTERM either (measured: v5-server-disconnect-takeover, the device's socket just closes)",
  "payload-format-validation":
    "optional for a server (MQTT 5 §3.3.2.3.2: a receiver MAY validate the payload against its format indicator); mosquitto 2.0.11 PUBACKs 0x00 and forwards a Payload Format Indicator 1 payload that is not UTF-8 (measured: v5-payload-format-invalid)",
  "topic-alias-incoming":
    "optional for a server (MQTT 5 §3.3.2.3.4: it MAY send Topic Aliases up to the client's maximum); mosquitto 2.0.11 never sends one, so a client's handling of incoming aliases cannot be exercised through it (measured: v5-topic-alias-incoming)",
};

/**
 * The settings mosquitto 2.0 can apply, each to its own config line (mosquitto.conf(5)).
 * "tls" needs certificates, which the lab makes with the openssl CLI: without it, not offered.
 */
const SETTINGS: readonly string[] = [
  "users",
  "maxPacketSize",
  "maxKeepalive",
  "receiveMaximum",
  "topicAliasMaximum",
  "maxQos",
  ...(existsSync(OPENSSL) ? ["tls"] : []),
];

/**
 * A second listener, TLS on `port` (loopback only), beside the plain one: the server proves
 * itself with a certificate the throwaway CA signed; clients need none (require_certificate
 * false). The listener's own settings follow its `listener` line.
 */
export function tlsListenerLines(port: number, f: TlsFiles): string[] {
  return [`listener ${port} 127.0.0.1`, `cafile ${f.caFile}`, `certfile ${f.certFile}`, `keyfile ${f.keyFile}`, "require_certificate false"];
}

/**
 * A password file line in mosquitto's salted SHA-512 form (`$6$`), which 2.0 still reads:
 * base64(salt) and base64(sha512(password ‖ salt)) — so no mosquitto_passwd binary is needed.
 */
export function passwordLine(user: string, password: string, salt = randomBytes(12)): string {
  const hash = createHash("sha512").update(password, "utf8").update(salt).digest("base64");
  return `${user}:$6$${salt.toString("base64")}$${hash}`;
}

/** Config lines for the settings (what the broker announces in CONNACK and enforces). */
export function settingsLines(s: BrokerSettings, passwordFile: string): string[] {
  const out: string[] = [];
  if (s.users) out.push("allow_anonymous false", `password_file ${passwordFile}`);
  if (s.maxPacketSize !== undefined) out.push(`max_packet_size ${s.maxPacketSize}`);
  if (s.maxKeepalive !== undefined) out.push(`max_keepalive ${s.maxKeepalive}`);
  // For v5 clients max_inflight_messages is the Receive Maximum the broker announces.
  if (s.receiveMaximum !== undefined) out.push(`max_inflight_messages ${s.receiveMaximum}`);
  if (s.topicAliasMaximum !== undefined) out.push(`max_topic_alias ${s.topicAliasMaximum}`);
  // v5 clients see it as Maximum QoS in CONNACK; subscriptions above it are granted at it.
  if (s.maxQos !== undefined) out.push(`max_qos ${s.maxQos}`);
  return out;
}

/** Where and how one mosquitto runs: what its config file says. */
export interface MosquittoConf {
  /** The plain listener's port, on 127.0.0.1: the observer, peers and the readiness probe use it. */
  port: number;
  /** Its own folder: the database is saved there (persistence_location). */
  dir: string;
  durable: boolean;
  settings: BrokerSettings;
  /** The users file (`passwordLine`s), read when `settings.users` is set. */
  passwordFile: string;
  /** A second listener, TLS, on its own port. */
  tls?: { port: number; files: TlsFiles } | undefined;
  /** Started as root (the lab's sandbox): stay root, see below. */
  root: boolean;
}

/** The config file, line by line (mosquitto.conf(5)). */
export function mosquittoConf(c: MosquittoConf): string {
  return [
    `listener ${c.port} 127.0.0.1`,
    ...(c.settings.users ? [] : ["allow_anonymous true"]),
    ...settingsLines(c.settings, c.passwordFile),
    "persistence true",
    `persistence_location ${c.dir}/`,
    c.durable ? "autosave_interval 1\nautosave_on_changes true" : "autosave_interval 1800",
    // Started as root, mosquitto drops to user "mosquitto" and then cannot write its
    // database in our sandbox: it only logs "Permission denied". Stay root instead.
    ...(c.root ? ["user root"] : []),
    // stderr is unbuffered: a SIGKILLed broker's last lines still reach the timeline
    // (stdout into a pipe is block-buffered and dies with the process).
    "log_dest stderr",
    // Debug level too: "Sending CONNACK to X (1, 0)" is the broker's word on session present.
    "log_type all",
    "connection_messages true",
    "max_queued_messages 10000",
    // Last: a listener's own lines (cafile…) apply to the listener above them.
    ...(c.tls ? tlsListenerLines(c.tls.port, c.tls.files) : []),
    "",
  ].join("\n");
}

export function mosquitto(opts: MosquittoOptions): BrokerFactory {
  const spec: BrokerSpec = { kind: "mosquitto", protocols: ["3.1.1", "5"], durable: opts.durable ?? true, settings: SETTINGS, lacks: MOSQUITTO_LACKS };
  return {
    ...spec,
    async start(lab: Lab, { protocol }: { protocol: Protocol }): Promise<RunningBroker> {
      const port = opts.port ?? (await lab.port());
      await assertPortFree(port, "mosquitto");
      const dir = join(lab.dir, "mosquitto");
      mkdirSync(dir, { recursive: true });
      const settings = opts.settings ?? {};
      // TLS: a second listener on its own port; the plain one stays for the observer, peers
      // and the readiness probe.
      const tls = settings.tls ? { port: await lab.port(), files: makeTlsFiles(dir) } : undefined;
      const passwordFile = join(dir, "passwd");
      if (settings.users) writeFileSync(passwordFile, Object.entries(settings.users).map(([u, p]) => passwordLine(u, p)).join("\n") + "\n", { mode: 0o600 });
      const conf = join(dir, "mosquitto.conf");
      writeFileSync(conf, mosquittoConf({ port, dir, durable: spec.durable, settings, passwordFile, tls, root: process.getuid?.() === 0 }));
      // With users configured, anonymous clients are refused: the readiness probe logs in.
      const firstUser = Object.entries(settings.users ?? {})[0];
      // One reader for the broker's life, through restarts: a CONNACK line pairs with the
      // latest "New client connected" line of its client id.
      const connacks = connackReader();
      return startProcessBroker({
        spec,
        lab,
        port,
        protocol,
        probeAuth: firstUser ? { username: firstUser[0], password: firstUser[1] } : undefined,
        cmd: opts.bin,
        args: ["-c", conf],
        cwd: dir,
        connackReader: () => connacks,
        tls: tls ? { port: tls.port, caFile: tls.files.caFile } : undefined,
        ...(opts.readyWithinMs !== undefined ? { readyWithinMs: opts.readyWithinMs } : {}),
      });
    },
  };
}

export const mosquittoBroker = defineBroker({
  name: "mosquitto",
  help: "Debian's mosquitto 2.0 in a child process, its own config per run",
  runs: "process",
  tool: "mosquitto",
  isDefault: true,
  make: (c, tool) => mosquitto({ bin: tool?.path ?? "mosquitto", durable: c.durable, ...portOf(c), ...(c.settings ? { settings: c.settings } : {}) }),
});

export interface Connack {
  client: string;
  /** mosquitto's numbering: 1 = 3.1, 2 = 3.1.1, 5 = 5. */
  protocol: number;
  /** Clean session (3.1.1) / clean start (5) the client asked for. */
  cleanStart: boolean;
  sessionPresent: boolean;
  reason: number;
}

/**
 * Turns mosquitto's own log lines into the broker's word on each connection: what the
 * client asked ("New client connected … as ID (p5, c0, k6)") and what the broker answered
 * ("Sending CONNACK to ID (1, 0)": session present, reason code). Checkers use it to tell a
 * session the broker lost from one the client threw away.
 */
export function connackReader(): { feed(line: string): Connack | undefined } {
  const asked = new Map<string, { protocol: number; clean: boolean }>();
  return {
    feed(line) {
      const hello = /New client connected from \S+ as (\S+) \(p(\d+), c(\d)/.exec(line);
      if (hello) {
        asked.set(hello[1]!, { protocol: Number(hello[2]), clean: hello[3] === "1" });
        return undefined;
      }
      const ack = /Sending CONNACK to (\S+) \((\d+), (\d+)\)/.exec(line);
      if (!ack) return undefined;
      const a = asked.get(ack[1]!);
      if (!a) return undefined;
      return { client: ack[1]!, protocol: a.protocol, cleanStart: a.clean, sessionPresent: ack[2] === "1", reason: Number(ack[3]) };
    },
  };
}
