import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Lab } from "../lab/lab.ts";
import { assertPortFree } from "../lab/ports.ts";
import { BrokerUnavailable, startProcessBroker, type BrokerFactory, type BrokerSpec, type Protocol, type RunningBroker } from "./broker.ts";
import { defineBroker, portOf } from "./kind.ts";

/**
 * Mochi MQTT 2.7.9 (Go), as its stock `cmd` builds it (`go install
 * github.com/mochi-mqtt/server/v2/cmd@v2.7.9`, kept as .tools/bin/mochi-mqtt). That program
 * takes only flags: -tcp, -ws and -info addresses and a TLS key pair; no config file. It adds
 * `auth.AllowHook` (every client allowed) and no storage hook, and logs with slog's text
 * handler at INFO on stdout — which says nothing per connection, so no `broker connack`
 * events come from mochi (its "session taken over" line is DEBUG, and the cmd cannot lower
 * the level).
 */
export const MOCHI_LACKS: Readonly<Record<string, string>> = {
  persistence:
    "the stock cmd (cmd/main.go, v2.7.9) adds no storage hook (hooks/storage: bolt, badger, pebble, redis exist, but only a program of one's own can add them): sessions and queued messages live in memory and a crash loses them",
  "enhanced-auth":
    "MQTT 5 enhanced authentication (§4.12) needs a hook providing OnAuthPacket (server.go processAuth hands AUTH packets to hooks); the stock cmd adds only auth.AllowHook, which provides OnConnectAuthenticate/OnACLCheck, so AUTH exchanges go unanswered",
  "qos1-user-properties":
    "Mochi 2.7.9 answers an MQTT 5 QoS 1 PUBLISH that carries User Properties with a PUBACK whose reason code is 0x01 (Granted QoS 1, a SUBACK code; §3.4.2.1 allows 0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99): server.go processPublish builds the ack with packets.QosCodes[qos] and inherits the PUBLISH's properties, and the encoder writes the code whenever properties follow. MQTT.js rejects it (\"Invalid puback reason code\") and the publish is never answered — measured here, docs/findings.md",
  "payload-format-validation":
    "optional for a server (MQTT 5 §3.3.2.3.2: a receiver MAY validate); Mochi 2.7.9 PUBACKs 0x00 and forwards a Payload Format Indicator 1 payload that is not UTF-8 (measured: v5-payload-format-invalid)",
  "message-expiry":
    "Mochi 2.7.9 caps the Message Expiry Interval at 86400 s (Capabilities.MaximumMessageExpiryInterval) and gives a message that had none an expiry of 86400 s, while §3.3.2.3.3 says an absent interval means the message never expires and a present one is forwarded less the time held (measured: v5-prop-type-four-byte sent 16909060 s, subscribers got 86400)",
  "topic-alias-outgoing":
    "Mochi 2.7.9's CONNACK announces no Topic Alias Maximum (measured: only receiveMaximum 1024), which means 0: a client must not send Topic Aliases to it (MQTT 5 §3.2.2.3.8)",
  "puback-no-subscribers":
    "optional for a server (MQTT 5 §3.4.2.1: it MAY use 0x10 No matching subscribers instead of 0x00); Mochi 2.7.9 answers 0x00 (measured: v5-puback-no-subscribers)",
  "receive-maximum":
    "Mochi 2.7.9 does not queue QoS 1 messages beyond the Receive Maximum the client announced: with receiveMaximum 1 and a burst of 10, the client got m=1 and m=5 only (measured: v5-receive-maximum; mosquitto delivers all 10 in order). MQTT 5 §4.9 wants the server to stop sending, not to drop",
  "will-properties":
    "Mochi 2.7.9 forwards a will's User Properties but drops its Content Type and Payload Format Indicator, and adds a Message Expiry Interval of 86400 s (measured: v5-will-properties)",
  "tls-client-cert":
    "cmd/main.go builds its tls.Config from -tls-cert-file/-tls-key-file alone (no ClientCAs, no ClientAuth): client certificates are never asked for",
};

export const MOCHI_SPEC: BrokerSpec = {
  kind: "mochi",
  // server.go NewDefaultServerCapabilities: MinimumProtocolVersion 3; v5 throughout (packets/).
  protocols: ["3.1.1", "5"],
  durable: false,
  lacks: MOCHI_LACKS,
};

export interface MochiOptions {
  /** Path of the mochi-mqtt binary; undefined when `faraday setup` has not built it. */
  bin: string | undefined;
  /** Fixed MQTT port; by default a free one. */
  port?: number;
  readyWithinMs?: number;
}

export const MOCHI_MISSING = "mochi-mqtt not built — run: npx faraday setup (it needs Go 1.21+ for go install)";

/**
 * The cmd's flags. It always opens three listeners (defaults :1883, :1882 and :8080 on every
 * interface); the lab gives each its own free loopback port so parallel runs never collide.
 */
export function mochiArgs(ports: { tcp: number; ws: number; info: number }): string[] {
  return ["-tcp", `127.0.0.1:${ports.tcp}`, "-ws", `127.0.0.1:${ports.ws}`, "-info", `127.0.0.1:${ports.info}`];
}

export function mochi(opts: MochiOptions): BrokerFactory {
  return {
    ...MOCHI_SPEC,
    async unavailable() {
      return opts.bin ? undefined : MOCHI_MISSING;
    },
    async start(lab: Lab, { protocol }: { protocol: Protocol }): Promise<RunningBroker> {
      if (!opts.bin) throw new BrokerUnavailable(MOCHI_MISSING);
      const port = opts.port ?? (await lab.port());
      await assertPortFree(port, "mochi");
      const [ws, info] = [await lab.port(), await lab.port()];
      const dir = join(lab.dir, "mochi");
      mkdirSync(dir, { recursive: true });
      return startProcessBroker({
        spec: MOCHI_SPEC,
        lab,
        port,
        protocol,
        cmd: opts.bin,
        args: mochiArgs({ tcp: port, ws, info }),
        cwd: dir,
        ...(opts.readyWithinMs !== undefined ? { readyWithinMs: opts.readyWithinMs } : {}),
      });
    },
  };
}

export const mochiBroker = defineBroker({
  name: "mochi",
  help: "Mochi MQTT 2.7.9's stock cmd in a child process (faraday setup builds it)",
  runs: "process",
  tool: "mochi-mqtt",
  make: (c, tool) => mochi({ bin: tool?.path, ...portOf(c) }),
});
