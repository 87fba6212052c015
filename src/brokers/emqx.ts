import type { BrokerFactory, BrokerSpec } from "./broker.ts";
import { containerBroker } from "./container.ts";
import { defineBroker, portOf } from "./kind.ts";

/** EMQX open source, the last Apache-2.0 line (5.8). Container image only. */
export const EMQX_IMAGE = "emqx/emqx:5.8.9";

/**
 * What the image's default configuration does not offer (EMQX 5.8 docs, "Configuration
 * Manual"): the lab runs it as shipped, every client allowed (no authenticator configured).
 */
export const EMQX_LACKS: Readonly<Record<string, string>> = {
  persistence:
    "EMQX 5.8 keeps sessions and queued messages in memory unless durable_sessions.enable = true, which is off by default and not turned on by the lab: a crash loses them",
  "enhanced-auth":
    "EMQX answers MQTT 5 AUTH only through a configured SCRAM authenticator; the image's default has no authenticator at all",
};

export const EMQX_SPEC: BrokerSpec = {
  kind: "emqx",
  protocols: ["3.1.1", "5"],
  durable: false,
  lacks: EMQX_LACKS,
};

export function emqx(opts: { port?: number } = {}): BrokerFactory {
  return containerBroker(
    {
      spec: EMQX_SPEC,
      image: EMQX_IMAGE,
      // mqtt.max_mqueue_len defaults to 1000 queued messages per session; the floods go to 1000.
      env: { EMQX_MQTT__MAX_MQUEUE_LEN: "10000" },
      readyWithinMs: 90_000,
    },
    opts,
  );
}

export const emqxBroker = defineBroker({
  name: "emqx",
  help: `EMQX 5.8 open source, container ${EMQX_IMAGE}`,
  runs: "container",
  from: () => `container ${EMQX_IMAGE}`,
  make: (c) => emqx({ ...portOf(c) }),
});
