import type { Protocol } from "../../src/brokers/broker.ts";
import type { Check } from "../../src/checks/check.ts";
import type { BrokerSettings, CheckContext, ClientSettings, Feature, Scenario, ScenarioContext } from "../../src/scenario/dsl.ts";
import { scenario } from "../../src/scenario/dsl.ts";
import { ExpectationFailed } from "../../src/scenario/expectation.ts";

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
    run: (ctx) => f.run(answeredWithin(ctx)),
    checks: f.checks,
  });
}

/**
 * On a healthy link every operation is answered within one exchange: a publish PUBACKed, a
 * subscribe SUBACKed. A client that never answers (stuck on a packet it rejected, say) is then
 * an expectation that failed — a verdict with evidence — instead of a run that hangs until the
 * lab's own time limit and ends as a lab error.
 */
function answeredWithin(ctx: ScenarioContext): ScenarioContext {
  const d = ctx.device;
  const limit = ctx.bounds.connectMs;
  const bounded = <T>(what: string, p: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const since = ctx.targets.lab.timeline.now();
    return Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ExpectationFailed(what, limit, since)), limit);
      }),
    ]).finally(() => clearTimeout(timer));
  };
  const device: ScenarioContext["device"] = Object.create(d) as ScenarioContext["device"];
  Object.assign(device, {
    publish: (topic: string, payload: string, o?: Parameters<typeof d.publish>[2]) => bounded(`client answers its publish to ${topic}`, d.publish(topic, payload, o)),
    subscribe: (topic: string, qos: 0 | 1 | 2, o?: Parameters<typeof d.subscribe>[2]) => bounded(`client answers its subscribe to ${topic}`, d.subscribe(topic, qos, o)),
    unsubscribe: (topic: string) => bounded(`client answers its unsubscribe from ${topic}`, d.unsubscribe(topic)),
    disconnect: (o?: Parameters<typeof d.disconnect>[0]) => bounded("client disconnects", d.disconnect(o)),
    start: (o?: Parameters<typeof d.start>[0]) => bounded("client connects again", d.start(o)),
  });
  return { ...ctx, device };
}
