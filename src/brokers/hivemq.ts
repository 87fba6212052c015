import type { BrokerFactory, BrokerSpec } from "./broker.ts";
import { containerBroker } from "./container.ts";
import { defineBroker, portOf } from "./kind.ts";

/** HiveMQ Community Edition. Container image only; it ships with the allow-all extension. */
export const HIVEMQ_IMAGE = "hivemq/hivemq-ce:2025.5";

export const HIVEMQ_LACKS: Readonly<Record<string, string>> = {
  "sys-topics": "HiveMQ publishes no $SYS topics (its metrics go out through JMX and extensions, not MQTT)",
  "enhanced-auth":
    "HiveMQ CE answers MQTT 5 AUTH only through an extension implementing EnhancedAuthenticator; the image carries just hivemq-allow-all-extension",
};

export const HIVEMQ_SPEC: BrokerSpec = {
  kind: "hivemq",
  protocols: ["3.1.1", "5"],
  // HiveMQ CE keeps sessions and queues in files under /opt/hivemq/data by default, but whether
  // a SIGKILL keeps every change it acknowledged has not been measured (no Docker engine where
  // the lab was built): declared not durable, so a loss after a crash is charged to the broker.
  durable: false,
  lacks: HIVEMQ_LACKS,
};

export function hivemq(opts: { port?: number } = {}): BrokerFactory {
  return containerBroker({ spec: HIVEMQ_SPEC, image: HIVEMQ_IMAGE, readyWithinMs: 90_000 }, opts);
}

export const hivemqBroker = defineBroker({
  name: "hivemq",
  help: `HiveMQ Community Edition, container ${HIVEMQ_IMAGE}`,
  runs: "container",
  from: () => `container ${HIVEMQ_IMAGE}`,
  make: (c) => hivemq({ ...portOf(c) }),
});
