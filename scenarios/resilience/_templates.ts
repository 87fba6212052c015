import { scenario, type ClientSettings, type ObserverStream, type Scenario, type ScenarioContext, type StreamHandle, type StreamOptions } from "../../src/scenario/dsl.ts";
import type { Check } from "../../src/checks/check.ts";
import type { Fault } from "../../src/faults/fault.ts";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { reconnectsWithin } from "../../src/checks/reconnectsWithin.ts";
import { resumesPublishing } from "../../src/checks/resumesPublishing.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { orderPerTopic } from "../../src/checks/orderPerTopic.ts";
import { noDuplicatesBeyondDup } from "../../src/checks/noDuplicatesBeyondDup.ts";
import { detectsOutageWithin } from "../../src/checks/detectsOutageWithin.ts";
import { subscriptionsSurvive } from "../../src/checks/subscriptionsSurvive.ts";
import { noBusyLoop } from "../../src/checks/noBusyLoop.ts";
import { sessionClean, sessionResumed } from "../../src/checks/session.ts";

/*
 * The outlines of the resilience catalogue, each written once (floods/flood.ts is the same idea
 * for the floods). A scenario file names its id, title, comment and fault and says what is
 * particular to it; the outline, the streams, the waits and their bounds are here.
 *
 * - outage: a clean session lost with its connection (AP loss, partition, a frozen, stopped or
 *   restarted broker); the client must notice, come back, subscribe anew and receive again.
 * - degradedLink: the link is slow, sliced, narrow or lossy for a stretch; the client rides it.
 * - repeatedCut: every connection is cut for two reconnect cycles (or by a flapping AP).
 * - throughFault: the outline the last two are made of, for a fault that is neither.
 *
 * They live beside the scenarios, not in src/scenario/: they are the catalogue's own shapes,
 * built on the DSL, the faults and the checkers; the DSL stays free of any one catalogue.
 */

/** Pace of the device's publish stream and the observer's, ms after each answered publish. */
export const EVERY_MS = 200;

/** The guarantees a resilience scenario turns on or off (see resilienceChecks). */
export interface ResilienceChecks {
  /** reconnectsWithin (default on): off where the client need not go down, or faults follow too fast to time one. */
  reconnectsWithin?: boolean;
  /** resumesPublishing(3) (default on): off where the device publishes no stream. */
  resumesPublishing?: boolean;
  /** orderPerTopic and noDuplicatesBeyondDup: the streams cross the fault in order, repeated only as resends. */
  inOrder?: boolean;
  /** detectsOutageWithin: the client notices by itself; a list names the fault kinds judged (else the outage faults). */
  detectsOutageWithin?: boolean | string[];
  /** subscriptionsSurvive: the client receives again after each reconnect. */
  subscriptionsSurvive?: boolean;
  /** noBusyLoop (default on): the client keeps yielding while the link is down. */
  noBusyLoop?: boolean;
  /** The session the client finds after the fault, judged last. */
  session?: "resumed" | "clean";
}

/**
 * The default resilience check set: nothing acknowledged lost, the client back within its
 * bound after every heal, publishing resumed, no exception escaping, no busy loop; and what a
 * scenario (or its template) turns on. One fixed order, whatever is on.
 */
export function resilienceChecks(c: ResilienceChecks = {}): Check[] {
  const detects = c.detectsOutageWithin ?? false;
  return [
    noLostAcknowledged(),
    ...(c.reconnectsWithin ?? true ? [reconnectsWithin()] : []),
    ...(c.resumesPublishing ?? true ? [resumesPublishing(3)] : []),
    noUncaughtErrors(),
    ...(c.inOrder ? [orderPerTopic(), noDuplicatesBeyondDup()] : []),
    ...(detects === true ? [detectsOutageWithin()] : detects ? [detectsOutageWithin(detects)] : []),
    ...(c.subscriptionsSurvive ? [subscriptionsSurvive()] : []),
    ...(c.noBusyLoop ?? true ? [noBusyLoop()] : []),
    ...(c.session === "resumed" ? [sessionResumed()] : c.session === "clean" ? [sessionClean()] : []),
  ];
}

/** The client connects and confirms its subscription to the run's down topic. */
export async function connects({ device, topics, bounds }: ScenarioContext): Promise<void> {
  await device.up({ within: bounds.connectMs, what: "client connects" });
  // Messages published before the subscription exists are owed to nobody: the observer's
  // stream starts once the client confirmed it.
  await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes" });
}

/**
 * Both streams: the device publishes a numbered QoS 1 stream up, the observer one down (or as
 * `downstream` says); resolves once `acked` device publishes were acknowledged, within one
 * connect bound (a first exchange, nothing special).
 */
export async function streams(ctx: ScenarioContext, o: { acked: number; downstream?: StreamOptions }): Promise<{ upstream: StreamHandle; downstream: ObserverStream }> {
  const { device, observer, topics, bounds } = ctx;
  const upstream = device.publishEvery(topics.up, { qos: 1, everyMs: EVERY_MS });
  const downstream = observer.publishEvery(topics.down, o.downstream ?? { qos: 1, everyMs: EVERY_MS });
  await upstream.acked(o.acked, { within: bounds.connectMs, what: "publishes flow before the fault" });
  return { upstream, downstream };
}

/**
 * Back after an outage: the client noticed (its own down; detectsOutageWithin holds it to
 * 1.5 × keepalive + slack from the fault's start) and reconnected (reconnectsWithin: 2
 * reconnect cycles + slack from the heal). Waits for both in turn, the sum of the two bounds;
 * the checkers judge each.
 */
export function comesBack({ device, bounds }: ScenarioContext, what: string): Promise<void> {
  return device.reconnected({ within: bounds.outageDetectionMs + bounds.reconnectAfterHealMs, what });
}

/** A clean session holds nothing: the application subscribes again, one response time for the SUBACK, within one reconnect cycle. */
export function resubscribes({ device, topics, bounds }: ScenarioContext, what: string): Promise<void> {
  return device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what });
}

/**
 * The catalogue's outage: 3 × keepalive, beyond the client's detection bound (1.5 × keepalive +
 * 2 s) and the broker's own keepalive timeout (1.5 × keepalive): both ends must give the
 * connection up, the client by its own timers when nothing else tells it.
 */
export function outageMs({ client }: ScenarioContext): number {
  return 3 * client.keepalive * 1000;
}

/** Inject a fault, hold it `ms` (without: heal it at once) and heal it. */
export async function held(ctx: ScenarioContext, fault: Fault, ms?: number): Promise<void> {
  const f = await ctx.inject(fault);
  if (ms !== undefined) await ctx.wait(ms);
  await ctx.heal(f);
}

/** What a scenario file says to a template: who it is and what is particular to it. */
export interface Identity {
  id: string;
  title: string;
  /** The faults (and profiles) it applies, for `faraday list` and the report. */
  faults: string[];
  /** Client settings over the template's own. */
  client?: ClientSettings;
  broker?: Scenario["broker"];
  /** Guarantees over the template's check set. */
  checks?: ResilienceChecks;
}

/** The scenario's declaration: its identity, the template's client settings under its own. */
function declared(spec: Identity, client: ClientSettings): Pick<Scenario, "id" | "title" | "faults" | "client" | "broker"> {
  return { id: spec.id, title: spec.title, faults: spec.faults, client: { ...client, ...spec.client }, ...(spec.broker ? { broker: spec.broker } : {}) };
}

export interface ThroughFaultSpec extends Identity {
  /** Device publishes acknowledged before the fault (default 3). */
  ackedBefore?: number;
  /** The observer's stream, when not the default QoS 1 "seq=N" every EVERY_MS. */
  downstream?: StreamOptions;
  /** The fault from start to heal (inject, hold, heal, or a profile); the device's stream is at hand. */
  fault(ctx: ScenarioContext, upstream: StreamHandle): Promise<void>;
  /** The expectation once it healed: the client up within one reconnect-after-heal bound. */
  back: string;
  /** Then 5 publishes within one reconnect cycle (default "client resumes publishing"). */
  resumes?: string;
}

/**
 * Through a fault with both streams running: the client connects and subscribes, both streams
 * flow, the fault comes and goes, the client is up again within one reconnect-after-heal bound
 * (one failed attempt and one good one) and publishes 5 more within one reconnect cycle
 * (resumesPublishing's own bound). Checks: the default set.
 */
export function throughFault(spec: ThroughFaultSpec): Scenario {
  return scenario({
    ...declared(spec, { clean: true, keepalive: 5, response_time: 3 }),
    async run(ctx) {
      const { device, bounds } = ctx;
      await connects(ctx);
      const { upstream, downstream } = await streams(ctx, { acked: spec.ackedBefore ?? 3, ...(spec.downstream ? { downstream: spec.downstream } : {}) });
      await spec.fault(ctx, upstream);
      await device.up({ within: bounds.reconnectAfterHealMs, what: spec.back });
      await upstream.acked(5, { within: bounds.reconnectCycleMs, what: spec.resumes ?? "client resumes publishing" });
      await Promise.all([upstream.stop(), downstream.stop()]);
    },
    checks: () => resilienceChecks(spec.checks),
  });
}

/** A profile: a fault composed over time that injects and heals by itself. */
export interface ProfileSpec {
  profile: (ctx: ScenarioContext) => Promise<void>;
}

export type DegradedLinkSpec = Omit<ThroughFaultSpec, "fault" | "ackedBefore"> & (HeldLink | ProfileSpec);

export interface HeldLink {
  /** The degradation (made once the streams flow), held for `keepalives` × the client's keepalive. */
  fault: (ctx: ScenarioContext) => Fault;
  /** How many keepalives it lasts (default 3: the client pings across it more than once). */
  keepalives?: number;
  /**
   * Slow, never dead by the client's own rules: `acks` publishes complete at the start, each
   * within the client's response time (the stream waits EVERY_MS between them), and one more
   * at the end; the expectations say "publishes still complete <what>" and "… at the end of
   * the <stretch> stretch".
   */
  during?: { acks: number; what: string; stretch: string };
}

/**
 * A degraded link (latency, slicing, a narrow pipe, loss, noise, walking out of range): the
 * client may ride it out or reconnect; no reconnect is required, so reconnectsWithin does not
 * apply. Checks: the default set without reconnectsWithin, with order; noBusyLoop only where
 * the link stalls (a scenario turns it on).
 */
export function degradedLink(spec: DegradedLinkSpec): Scenario {
  return throughFault({
    ...spec,
    resumes: spec.resumes ?? "client keeps publishing after the heal",
    checks: { reconnectsWithin: false, inOrder: true, noBusyLoop: false, ...spec.checks },
    async fault(ctx, upstream) {
      if ("profile" in spec) return spec.profile(ctx);
      const { during } = spec;
      const { client, inject, heal, wait } = ctx;
      const f = await inject(spec.fault(ctx));
      const perPublish = client.response_time * 1000 + EVERY_MS;
      if (during) await upstream.acked(during.acks, { within: during.acks * perPublish, what: `publishes still complete ${during.what}` });
      await wait((spec.keepalives ?? 3) * client.keepalive * 1000);
      if (during) await upstream.acked(1, { within: perPublish, what: `publishes still complete at the end of the ${during.stretch} stretch` });
      await heal(f);
    },
  });
}

export type RepeatedCutSpec = Omit<ThroughFaultSpec, "fault"> &
  (
    | {
        /** The cut, made once the streams flow (a seeded draw lands there), held for two reconnect cycles. */
        cut: (ctx: ScenarioContext) => Fault;
      }
    | ProfileSpec
  );

/**
 * Cut again and again: while the fault lasts every connection, the reconnects too, is cut, for
 * two of the client's reconnect cycles, so it meets the cut on a reconnect. Checks: the default
 * set with order; detectsOutageWithin judges the scenario's own faults (a cut is a FIN on the
 * socket: the client must notice it within its keepalive promise).
 */
export function repeatedCut(spec: RepeatedCutSpec): Scenario {
  return throughFault({
    ...spec,
    checks: { inOrder: true, detectsOutageWithin: spec.faults, ...spec.checks },
    fault: (ctx) => ("profile" in spec ? spec.profile(ctx) : held(ctx, spec.cut(ctx), 2 * ctx.bounds.reconnectCycleMs)),
  });
}

export interface OutageSpec extends Identity {
  /** The outage (made once the streams flow). */
  fault: (ctx: ScenarioContext) => Fault;
  /** The outage from start to heal instead of holding `fault` (a guided step, scenarios/manual/). */
  through?: (ctx: ScenarioContext) => Promise<void>;
  /** How long it lasts, ms (default outageMs); "none": the fault is whole once injected (a restart). */
  holdMs?: ((ctx: ScenarioContext) => number) | "none";
  /**
   * Whether the observer's stream pauses over the outage (default yes): where the broker goes
   * on acknowledging what it routes onto the dead connection or to no subscription at all (with
   * clean=true lost whatever the client does, MQTT §3.1.2.4), it stops once the device has
   * received and bursts once the client has subscribed anew. Where the broker itself is away
   * and acknowledges nothing (false), it goes on throughout.
   */
  observerPauses?: boolean;
  /** The reconnect's expectation (default "client reconnects after the heal"). */
  reconnects?: string;
  /** The renewed subscription's (default "client subscribes again"). */
  resubscribes?: string;
}

/**
 * An outage that takes the connection, and with clean=true the session, away. Both streams
 * flow; the fault is held; the client must notice, come back, subscribe again and resume
 * publishing, and the observer publishes to it past subscriptionsSurvive's window. keepalive
 * 4 s compresses time (detection bound 1.5 × 4 + 2 = 8 s); response_time 3 s is one
 * PUBACK/CONNACK wait on a loaded 2-core machine. Checks: the default set with
 * detectsOutageWithin and subscriptionsSurvive.
 */
export function outage(spec: OutageSpec): Scenario {
  return scenario({
    ...declared(spec, { clean: true, keepalive: 4, response_time: 3 }),
    async run(ctx) {
      const { observer, topics, bounds } = ctx;
      await connects(ctx);
      const { upstream, downstream } = await streams(ctx, { acked: 5 });
      const pauses = spec.observerPauses ?? true;
      if (pauses) {
        await downstream.acked(5, { within: bounds.connectMs, what: "the device receives before the fault" });
        await downstream.stop();
      }
      const hold = spec.holdMs ?? outageMs;
      if (spec.through) await spec.through(ctx);
      else await held(ctx, spec.fault(ctx), hold === "none" ? undefined : hold(ctx));
      await comesBack(ctx, spec.reconnects ?? "client reconnects after the heal");
      await resubscribes(ctx, spec.resubscribes ?? "client subscribes again");
      // Resumed within one reconnect cycle (resumesPublishing's own bound).
      await upstream.acked(5, { within: bounds.reconnectCycleMs, what: "client resumes publishing" });
      if (pauses) {
        await observer.burstPastResubscribe(topics.down, { everyMs: EVERY_MS });
        await upstream.stop();
      } else {
        await downstream.ackedPastResubscribe();
        await Promise.all([upstream.stop(), downstream.stop()]);
      }
    },
    checks: () => resilienceChecks({ detectsOutageWithin: true, subscriptionsSurvive: true, ...spec.checks }),
  });
}
