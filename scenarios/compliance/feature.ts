import type { Protocol } from "../../src/brokers/broker.ts";
import type { Check } from "../../src/checks/check.ts";
import type { Ack } from "../../src/devices/channel.ts";
import type { BrokerSettings, CheckContext, ClientSettings, DeviceHandle, Feature, Scenario, ScenarioContext } from "../../src/scenario/dsl.ts";
import { scenario } from "../../src/scenario/dsl.ts";

/** A value that may differ between the protocols: one for both, or one each. */
export type PerProtocol<T> = T | { readonly "3.1.1": T; readonly "5": T };

/** What a compliance feature is, whatever protocols it runs in. */
export interface FeatureDef {
  /**
   * Kebab-case, the same in every protocol. Each protocol's cell is its own scenario, named
   * with the protocol first: "v3-<id>" (feature "v3.<id>") and "v5-<id>" (feature "v5.<id>").
   */
  id: string;
  /** Section of that protocol's spec, e.g. "1.5.3" in MQTT 3.1.1 but "1.5.4" in MQTT 5. */
  spec: PerProtocol<string>;
  claim: PerProtocol<string>;
  /** Manifest / broker feature ids the scenario needs (a client's declared gap, a broker's lack). */
  requires?: string[];
  client?: ClientSettings;
  /** Broker configuration the feature needs (users, limits); a broker that cannot apply it is `skip`. */
  broker?: { settings: BrokerSettings };
  timeoutMs?: number;
  /** ctx.protocol says which cell runs (a v5 cell may want other reason codes, say). */
  run(ctx: ScenarioContext): Promise<void>;
  checks(ctx: CheckContext): Check[];
}

/**
 * A compliance scenario: one feature, exercised end to end between the device and an
 * independent peer, with its spec section. The client subscribes nothing by itself (the
 * scenario does), the run is short, and each protocol's cell fills one row of the matrix.
 *
 * `protocol` gives that protocol's one cell; `protocols` gives one cell per protocol, so a
 * feature both protocols share is written once (a protocol folder's file takes its cells with
 * cellsOf). The ids put the protocol first, so a feature keeps its v3.1.1 id when it gains
 * an MQTT 5 cell.
 */
export function feature(f: FeatureDef & { protocol: Protocol }): Scenario;
export function feature(f: FeatureDef & { protocols: readonly Protocol[] }): Scenario[];
export function feature(f: FeatureDef & ({ protocol: Protocol } | { protocols: readonly Protocol[] })): Scenario | Scenario[] {
  if ("protocol" in f) return cell(f, f.protocol);
  return f.protocols.map((p) => cell(f, p));
}

/** The cells of `protocol` in feature tables: what a protocol folder's file exports. */
export function cellsOf(protocol: Protocol, ...tables: (Scenario | Scenario[])[]): Scenario[] {
  return tables.flat().filter((s) => s.protocols?.includes(protocol));
}

/** Both protocols: a feature MQTT 5 keeps from MQTT 3.1.1. */
export const BOTH: readonly Protocol[] = ["3.1.1", "5"];

/**
 * A claim with what it cites in each protocol: `v311` in MQTT 3.1.1 ("MQTT-4.3.2-1"), `v5` in
 * MQTT 5, which numbers sections and rules otherwise; without `v5` the MQTT 5 cell states the
 * claim bare (its title names its section).
 */
export function citing(claim: string, v311: string, v5?: string): PerProtocol<string> {
  return { "3.1.1": `${claim} (${v311})`, "5": v5 ? `${claim} (${v5})` : claim };
}

const pick = <T>(v: PerProtocol<T>, p: Protocol): T => (typeof v === "object" && v !== null && "3.1.1" in v ? v[p] : (v as T));

function cell(f: FeatureDef, protocol: Protocol): Scenario {
  const v = protocol === "5" ? "v5" : "v3";
  const spec = pick(f.spec, protocol);
  const claim = pick(f.claim, protocol);
  const feat: Feature = { id: `${v}.${f.id}`, spec, claim };
  return scenario({
    id: `${v}-${f.id}`,
    title: `${claim} (MQTT ${protocol === "5" ? "5.0" : "3.1.1"} §${spec})`,
    feature: feat,
    protocols: [protocol],
    ...(f.requires ? { requires: f.requires } : {}),
    client: { subs: [], quick: true, ...f.client },
    ...(f.broker ? { broker: f.broker } : {}),
    timeoutMs: f.timeoutMs ?? 60_000,
    run: (ctx) => f.run(answeredWithinConnect(ctx)),
    checks: f.checks,
  });
}

/**
 * On a healthy link every operation is answered within one exchange: a publish PUBACKed, a
 * subscribe SUBACKed. So in a compliance run every device operation goes through the DSL's
 * bounded operation (ctx.answered) with the connect bound: a client that never answers (stuck
 * on a packet it rejected, say) is then an expectation that failed — a verdict with evidence —
 * instead of a run that hangs until the lab's own time limit and ends as a lab error. A refusal
 * is handed back: whether the scenario goes on is its own call.
 */
function answeredWithinConnect(ctx: ScenarioContext): ScenarioContext {
  const d = ctx.device;
  const bound = (what: string, op: Promise<Ack>) => ctx.answered(op, { within: ctx.bounds.connectMs, what, refusalReturned: true });
  const device: DeviceHandle = Object.create(d) as DeviceHandle;
  Object.assign(device, {
    publish: (topic: string, payload: Parameters<DeviceHandle["publish"]>[1], o?: Parameters<DeviceHandle["publish"]>[2]) => bound(`the device publishes to ${topic}`, d.publish(topic, payload, o)),
    subscribe: (topic: string, qos: 0 | 1 | 2, o?: Parameters<DeviceHandle["subscribe"]>[2]) => bound(`the device subscribes to ${topic}`, d.subscribe(topic, qos, o)),
    unsubscribe: (topic: string) => bound(`the device unsubscribes from ${topic}`, d.unsubscribe(topic)),
    disconnect: (o?: Parameters<DeviceHandle["disconnect"]>[0]) => bound("the device disconnects", d.disconnect(o)),
    start: (o?: Parameters<DeviceHandle["start"]>[0]) => bound("the device connects again", d.start(o)),
  });
  return { ...ctx, device };
}
