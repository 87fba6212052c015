// Every broker kind, found here: each file in this folder that declares one with defineBroker
// (kind.ts) is registered by that alone — adding a broker is adding its file.
import { readdirSync } from "node:fs";
import { InputError } from "../lab/errors.ts";
import type { BrokerFactory } from "./broker.ts";
import { isBrokerKind, type BrokerChoice, type BrokerKind } from "./kind.ts";

export type { BrokerChoice, BrokerKind };

/** Where the toolchain found each `faraday setup` component, by name: what a kind's `tool` names. */
export interface BrokerTools {
  found: Readonly<Record<string, { path: string } | undefined>>;
}

const here = new URL("./", import.meta.url);
const files = readdirSync(here).filter((f) => f.endsWith(".ts") && f !== "index.ts");
const modules = (await Promise.all(files.map((f) => import(new URL(f, here).href)))) as Record<string, unknown>[];
const rank = (k: BrokerKind) => (k.isDefault ? 0 : k.runs === "process" ? 1 : 2);

const kinds = modules.flatMap((m) => Object.values(m).filter(isBrokerKind));
for (const k of kinds) if (kinds.filter((o) => o.name === k.name).length > 1) throw new Error(`broker kind "${k.name}" is declared twice`);

/** Every broker kind by name: the default first, then the local processes, then the containers. */
export const BROKERS: Readonly<Record<string, BrokerKind>> = Object.fromEntries(kinds.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name)).map((k) => [k.name, k]));

/** The kind `--broker` runs when none is named. */
export const defaultBroker: string = Object.values(BROKERS).find((k) => k.isDefault)?.name ?? "mosquitto";

/** Every broker kind, the default first, then local ones. */
export function brokerKinds(): string[] {
  return Object.keys(BROKERS);
}

/** The kinds that run as processes on this machine (no Docker engine needed). */
export function localBrokerKinds(): string[] {
  return Object.values(BROKERS)
    .filter((k) => k.runs === "process")
    .map((k) => k.name);
}

/** The kinds that need a Docker engine. */
export function containerBrokerKinds(): string[] {
  return Object.values(BROKERS)
    .filter((k) => k.runs === "container")
    .map((k) => k.name);
}

/** The `faraday setup` component a kind runs from (for doctor), if any. */
export function brokerTool(kind: string): string | undefined {
  return BROKERS[kind]?.tool;
}

export function brokerFactory(kind: string, tools: BrokerTools, choice: BrokerChoice): BrokerFactory {
  const k = BROKERS[kind];
  if (!k) throw new InputError(`unknown broker "${kind}" (brokers: ${brokerKinds().join(", ")})`);
  return k.make(choice, k.tool ? tools.found[k.tool] : undefined);
}
