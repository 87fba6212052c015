import { InputError } from "../lab/errors.ts";
import { aedes } from "./aedes.ts";
import type { BrokerFactory } from "./broker.ts";
import type { BrokerSettings } from "./settings.ts";
import { emqx } from "./emqx.ts";
import { hivemq } from "./hivemq.ts";
import { mochi } from "./mochi.ts";
import { mosquitto } from "./mosquitto.ts";
import { mosquittoContainer } from "./mosquittoContainer.ts";

/** What a broker factory needs from the toolchain. aedes needs only node and its harness script. */
export interface BrokerTools {
  mosquitto: { path: string };
  /** Absent until `faraday setup` built it; the `mochi` kind is then unavailable (with the fix). */
  mochi?: { path: string } | undefined;
}

/** One entry per broker kind: adding a broker is adding its file and a line here. */
export interface BrokerChoice {
  /** Fixed port instead of a free one. */
  port?: number | undefined;
  /** Whether the broker must keep sessions and queued messages through a crash (the scenario says). */
  durable: boolean;
  /** Configuration the scenario needs (compliance: users, limits). */
  settings?: BrokerSettings | undefined;
}

interface Kind {
  make: (tools: BrokerTools, choice: BrokerChoice) => BrokerFactory;
  /** A process on this machine (true) or a container image that needs a Docker engine. */
  local: boolean;
  /** The `faraday setup` component it runs from, if any (doctor names it). */
  tool?: "mosquitto" | "mochi-mqtt";
}

const port = (c: BrokerChoice) => (c.port ? { port: c.port } : {});

const KINDS: Record<string, Kind> = {
  mosquitto: { local: true, tool: "mosquitto", make: (t, c) => mosquitto({ bin: t.mosquitto.path, durable: c.durable, ...port(c), ...(c.settings ? { settings: c.settings } : {}) }) },
  mochi: { local: true, tool: "mochi-mqtt", make: (t, c) => mochi({ bin: t.mochi?.path, ...port(c) }) },
  aedes: { local: true, make: (_t, c) => aedes({ ...port(c) }) },
  emqx: { local: false, make: (_t, c) => emqx({ ...port(c) }) },
  hivemq: { local: false, make: (_t, c) => hivemq({ ...port(c) }) },
  "mosquitto-container": { local: false, make: (_t, c) => mosquittoContainer({ durable: c.durable, ...port(c) }) },
};

/** Every broker kind, local ones first. */
export function brokerKinds(): string[] {
  return Object.keys(KINDS);
}

/** The kinds that run as processes on this machine (no Docker engine needed). */
export function localBrokerKinds(): string[] {
  return Object.entries(KINDS)
    .filter(([, k]) => k.local)
    .map(([name]) => name);
}

/** The kinds that need a Docker engine. */
export function containerBrokerKinds(): string[] {
  return Object.entries(KINDS)
    .filter(([, k]) => !k.local)
    .map(([name]) => name);
}

/** The `faraday setup` component a kind runs from (for doctor), if any. */
export function brokerTool(kind: string): string | undefined {
  return KINDS[kind]?.tool;
}

export function brokerFactory(kind: string, tools: BrokerTools, choice: BrokerChoice): BrokerFactory {
  const k = KINDS[kind];
  if (!k) throw new InputError(`unknown broker "${kind}" (brokers: ${brokerKinds().join(", ")})`);
  return k.make(tools, choice);
}
