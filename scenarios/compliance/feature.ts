import type { Protocol } from "../../src/brokers/broker.ts";
import type { Check } from "../../src/checks/check.ts";
import type { BrokerSettings, CheckContext, ClientSettings, Feature, Scenario, ScenarioContext } from "../../src/scenario/dsl.ts";
import { scenario } from "../../src/scenario/dsl.ts";

/**
 * A compliance scenario: one feature of one protocol, exercised end to end between the device
 * and an independent peer, with its spec section. The client subscribes nothing by itself
 * (the scenario does), the run is short, and the feature fills one cell of the matrix.
 */
export function feature(f: {
  protocol: Protocol;
  /** Kebab-case; the scenario id becomes "v3-<id>" or "v5-<id>". */
  id: string;
  spec: string;
  claim: string;
  /** Manifest / broker feature ids the scenario needs (a client's declared gap, a broker's lack). */
  requires?: string[];
  client?: ClientSettings;
  /** Broker configuration the feature needs (users, limits); a broker that cannot apply it is `skip`. */
  broker?: { settings: BrokerSettings };
  timeoutMs?: number;
  run(ctx: ScenarioContext): Promise<void>;
  checks(ctx: CheckContext): Check[];
}): Scenario {
  const v = f.protocol === "5" ? "v5" : "v3";
  const feat: Feature = { id: `${v}.${f.id}`, spec: f.spec, claim: f.claim };
  return scenario({
    id: `${v}-${f.id}`,
    title: `${f.claim} (MQTT ${f.protocol === "5" ? "5.0" : "3.1.1"} §${f.spec})`,
    feature: feat,
    protocols: [f.protocol],
    ...(f.requires ? { requires: f.requires } : {}),
    client: { subs: [], quick: true, ...f.client },
    ...(f.broker ? { broker: f.broker } : {}),
    timeoutMs: f.timeoutMs ?? 60_000,
    run: f.run,
    checks: f.checks,
  });
}
