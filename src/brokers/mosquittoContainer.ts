import type { BrokerFactory, BrokerSpec } from "./broker.ts";
import { containerBroker } from "./container.ts";
import { connackReader } from "./mosquitto.ts";
import { defineBroker, portOf } from "./kind.ts";

/** mosquitto's own image: the same broker as the Debian package, a newer 2.0.x, for comparison. */
export const MOSQUITTO_IMAGE = "eclipse-mosquitto:2.0.22";

export const MOSQUITTO_CONTAINER_LACKS: Readonly<Record<string, string>> = {
  "enhanced-auth": "mosquitto 2.0 answers MQTT 5 AUTH only through an auth plugin's extended-auth callbacks; the lab loads no plugin",
};

/**
 * The configuration mosquitto.ts writes, inside the container: persistence into the
 * container's own /mosquitto/data (kept through a kill and a start of the same container),
 * saved after every change when the scenario wants a durable broker; every line logged,
 * CONNACKs included, to stderr, which becomes the container's log.
 */
export function mosquittoContainerConf(durable: boolean): string {
  return [
    "listener 1883",
    "allow_anonymous true",
    "persistence true",
    "persistence_location /mosquitto/data/",
    durable ? "autosave_interval 1\nautosave_on_changes true" : "autosave_interval 1800",
    "log_dest stderr",
    "log_type all",
    "connection_messages true",
    "max_queued_messages 10000",
    "",
  ].join("\n");
}

export function mosquittoContainer(opts: { port?: number; durable: boolean }): BrokerFactory {
  const spec: BrokerSpec = {
    kind: "mosquitto-container",
    protocols: ["3.1.1", "5"],
    durable: opts.durable,
    lacks: MOSQUITTO_CONTAINER_LACKS,
  };
  return containerBroker(
    {
      spec,
      image: MOSQUITTO_IMAGE,
      command: ["mosquitto", "-c", "/mosquitto/config/faraday.conf"],
      files: [{ content: mosquittoContainerConf(opts.durable), target: "/mosquitto/config/faraday.conf" }],
      readyWithinMs: 30_000,
      connackReader,
    },
    { ...(opts.port !== undefined ? { port: opts.port } : {}) },
  );
}

export const mosquittoContainerBroker = defineBroker({
  name: "mosquitto-container",
  help: `container ${MOSQUITTO_IMAGE}, set up as the mosquitto kind`,
  runs: "container",
  from: () => `container ${MOSQUITTO_IMAGE}`,
  make: (c) => mosquittoContainer({ durable: c.durable, ...portOf(c) }),
});
