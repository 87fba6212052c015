import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createHash, randomBytes } from "node:crypto";
import type { BrokerSettings } from "./settings.ts";
import type { Lab } from "../lab/lab.ts";
import type { OwnedProcess } from "../lab/process.ts";
import { assertPortFree } from "../lab/ports.ts";
import { until } from "../lab/ready.ts";
import { LabError } from "../lab/errors.ts";
import { mqttConnects, type BrokerFactory, type Protocol, type RunningBroker } from "./broker.ts";
import { makeTlsFiles, OPENSSL, type TlsFiles } from "./tlsMaterial.ts";

// The TLS material lives in tlsMaterial.ts (a scenario makes its unrelated CA there too).
export { makeTlsFiles, OPENSSL, type TlsFiles } from "./tlsMaterial.ts";

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

export function mosquitto(opts: MosquittoOptions): BrokerFactory {
  const durable = opts.durable ?? true;
  return {
    kind: "mosquitto",
    protocols: ["3.1.1", "5"],
    durable,
    settings: SETTINGS,
    lacks: MOSQUITTO_LACKS,
    async start(lab: Lab, { protocol }: { protocol: Protocol }): Promise<RunningBroker> {
      const port = opts.port ?? (await lab.port());
      await assertPortFree(port, "mosquitto");
      const dir = join(lab.dir, "mosquitto");
      mkdirSync(dir, { recursive: true });
      // TLS: a second listener on its own port; the plain one stays for the observer, peers
      // and the readiness probe.
      const tlsPort = opts.settings?.tls ? await lab.port() : undefined;
      const tls = tlsPort !== undefined ? makeTlsFiles(dir) : undefined;
      const conf = join(dir, "mosquitto.conf");
      if (opts.settings?.users)
        writeFileSync(join(dir, "passwd"), Object.entries(opts.settings.users).map(([u, p]) => passwordLine(u, p)).join("\n") + "\n", { mode: 0o600 });
      writeFileSync(
        conf,
        [
          `listener ${port} 127.0.0.1`,
          ...(opts.settings?.users ? [] : ["allow_anonymous true"]),
          ...settingsLines(opts.settings ?? {}, join(dir, "passwd")),
          "persistence true",
          `persistence_location ${dir}/`,
          durable ? "autosave_interval 1\nautosave_on_changes true" : "autosave_interval 1800",
          // Started as root, mosquitto drops to user "mosquitto" and then cannot write its
          // database in our sandbox: it only logs "Permission denied". Stay root instead.
          ...(process.getuid?.() === 0 ? ["user root"] : []),
          // stderr is unbuffered: a SIGKILLed broker's last lines still reach the timeline
          // (stdout into a pipe is block-buffered and dies with the process).
          "log_dest stderr",
          // Debug level too: "Sending CONNACK to X (1, 0)" is the broker's word on session present.
          "log_type all",
          "connection_messages true",
          "max_queued_messages 10000",
          // Last: a listener's own lines (cafile…) apply to the listener above them.
          ...(tlsPort !== undefined && tls ? tlsListenerLines(tlsPort, tls) : []),
          "",
        ].join("\n"),
      );
      // With users configured, anonymous clients are refused: the readiness probe logs in.
      const firstUser = Object.entries(opts.settings?.users ?? {})[0];
      const probeAuth = firstUser ? { username: firstUser[0], password: firstUser[1] } : undefined;
      const tl = lab.timeline;
      const connacks = connackReader();
      let proc: OwnedProcess | undefined;
      const launch = async (): Promise<void> => {
        proc = lab.spawn({
          name: "mosquitto",
          vital: true,
          cmd: opts.bin,
          args: ["-c", conf],
          cwd: dir,
          onLine: (line) => {
            tl.record("broker", "log", { broker: "mosquitto", line });
            const connack = connacks.feed(line);
            if (connack) tl.record("broker", "connack", { broker: "mosquitto", ...connack });
          },
        });
        const p = proc;
        await until(`mosquitto on port ${port} answering CONNECT`, () => mqttConnects(port, protocol, 1000, probeAuth), {
          withinMs: opts.readyWithinMs ?? 5000,
          proc: p,
        });
        tl.record("broker", "ready", { broker: "mosquitto", port, pid: p.pid });
      };
      try {
        await launch();
      } catch (err) {
        await proc?.kill();
        throw err;
      }
      lab.defer("stop mosquitto", () => proc?.stop());
      const current = (): OwnedProcess => {
        if (!proc) throw new LabError("mosquitto was never started");
        return proc;
      };
      return {
        kind: "mosquitto",
        protocols: ["3.1.1", "5"],
        durable,
        host: "127.0.0.1",
        port,
        ...(tlsPort !== undefined && tls ? { tlsPort, caFile: tls.caFile } : {}),
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
          tl.record("broker", "exit", { broker: "mosquitto", how: "SIGKILL" });
        },
        async shutdown() {
          const p = current();
          await p.stop(5000);
          tl.record("broker", "exit", { broker: "mosquitto", how: "SIGTERM", code: p.exitCode?.code ?? null });
        },
        async freeze() {
          const p = current();
          p.signal("SIGSTOP");
          await processState(p, (s) => s === "T" || s === "t");
        },
        async thaw() {
          const p = current();
          p.signal("SIGCONT");
          await processState(p, (s) => s !== "T" && s !== "t");
        },
      };
    },
  };
}

/**
 * Wait until /proc says the process is in the wanted state (signals are asynchronous: a
 * freeze "injected" before the kernel stopped the broker would stamp the wrong time).
 */
async function processState(p: OwnedProcess, wanted: (state: string) => boolean, withinMs = 2000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (p.running && p.pid !== undefined && Date.now() < deadline) {
    try {
      const stat = readFileSync(`/proc/${p.pid}/stat`, "utf8");
      const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      if (wanted(state)) return;
    } catch {
      return; // no /proc (not Linux) or the process is gone: nothing more to wait for
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

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
