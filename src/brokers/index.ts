import { InputError } from "../lab/errors.ts";
import type { BrokerFactory } from "./broker.ts";
import { mosquitto } from "./mosquitto.ts";

/** What a broker factory needs from the toolchain. */
export interface BrokerTools {
  mosquitto: { path: string };
}

/** One entry per broker kind: adding a broker is adding its file and a line here. */
export interface BrokerChoice {
  /** Fixed port instead of a free one. */
  port?: number | undefined;
  /** Whether the broker must keep sessions and queued messages through a crash (the scenario says). */
  durable: boolean;
}

const KINDS: Record<string, (tools: BrokerTools, choice: BrokerChoice) => BrokerFactory> = {
  mosquitto: (t, c) => mosquitto({ bin: t.mosquitto.path, durable: c.durable, ...(c.port ? { port: c.port } : {}) }),
};

export function brokerKinds(): string[] {
  return Object.keys(KINDS);
}

export function brokerFactory(kind: string, tools: BrokerTools, choice: BrokerChoice): BrokerFactory {
  const make = KINDS[kind];
  if (!make) throw new InputError(`unknown broker "${kind}" (brokers: ${brokerKinds().join(", ")})`);
  return make(tools, choice);
}
