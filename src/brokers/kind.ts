import type { BrokerSettings } from "./settings.ts";
import type { BrokerFactory } from "./broker.ts";

/** What a run asks of its broker. */
export interface BrokerChoice {
  /** Fixed port instead of a free one. */
  port?: number | undefined;
  /** Whether the broker must keep sessions and queued messages through a crash (the scenario says). */
  durable: boolean;
  /** Configuration the scenario needs (compliance: users, limits). */
  settings?: BrokerSettings | undefined;
}

/**
 * What a broker file exports, with `defineBroker`: brokers/index.ts finds every one in this
 * folder, and `--broker`, the CLI help, `faraday doctor` and the README's broker list follow.
 */
export interface BrokerKind {
  /** The name `--broker` takes. */
  readonly name: string;
  /** What runs, in one line (CLI help). */
  readonly help: string;
  /** "process": a child process on this machine; "container": needs a Docker engine. */
  readonly runs: "process" | "container";
  /** The `faraday setup` component it runs from (a name in src/tools/components.ts), if any. */
  readonly tool?: string;
  /** The broker of one run; `tool` is where that component was found, absent when it was not. */
  readonly make: (choice: BrokerChoice, tool: { path: string } | undefined) => BrokerFactory;
  /** For doctor, when no tool says it: what it runs from ("container emqx/emqx:5.8.9"). */
  readonly from?: () => string;
  /** `--broker`'s default (one kind says so). */
  readonly isDefault?: boolean;
}

const kinds = new WeakSet<object>();

/** Declare a broker kind (one line in its file, as Toxiproxy registers a toxic): brokers/index.ts picks it up. */
export function defineBroker<D extends BrokerKind>(d: D): D {
  kinds.add(d);
  return d;
}

export function isBrokerKind(x: unknown): x is BrokerKind {
  return typeof x === "object" && x !== null && kinds.has(x);
}

/** `{ port }` when the run fixes one, else nothing: a factory's own default is a free port. */
export const portOf = (c: BrokerChoice): { port?: number } => (c.port ? { port: c.port } : {});
