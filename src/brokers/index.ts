import { InputError } from "../lab/errors.ts";
import type { BrokerFactory } from "./broker.ts";
import { mosquitto } from "./mosquitto.ts";

/** What a broker factory needs from the toolchain. */
export interface BrokerTools {
  mosquitto: { path: string };
}

/** One entry per broker kind: adding a broker is adding its file and a line here. */
const KINDS: Record<string, (tools: BrokerTools, port?: number) => BrokerFactory> = {
  mosquitto: (t, port) => mosquitto({ bin: t.mosquitto.path, durable: true, ...(port ? { port } : {}) }),
};

export function brokerKinds(): string[] {
  return Object.keys(KINDS);
}

export function brokerFactory(kind: string, tools: BrokerTools, port?: number): BrokerFactory {
  const make = KINDS[kind];
  if (!make) throw new InputError(`unknown broker "${kind}" (brokers: ${brokerKinds().join(", ")})`);
  return make(tools, port);
}
