import type { Check } from "./check.ts";
import { noLostAcknowledged } from "./noLostAcknowledged.ts";
import { reconnectsWithin } from "./reconnectsWithin.ts";
import { resumesPublishing } from "./resumesPublishing.ts";
import { noUncaughtErrors } from "./noUncaughtErrors.ts";
import { expectationsMet } from "./expectationsMet.ts";
import { qos0AtMostOnce } from "./qos0AtMostOnce.ts";
import { qos1AtLeastOnce } from "./qos1AtLeastOnce.ts";
import { noDuplicatesBeyondDup } from "./noDuplicatesBeyondDup.ts";
import { orderPerTopic } from "./orderPerTopic.ts";
import { detectsOutageWithin } from "./detectsOutageWithin.ts";
import { subscriptionsSurvive } from "./subscriptionsSurvive.ts";
import { sessionClean, sessionResumed } from "./session.ts";
import { memoryBounded } from "./memoryBounded.ts";
import { noBusyLoop } from "./noBusyLoop.ts";
import { noMemoryError } from "./noMemoryError.ts";
import { subscriptionRequestedWorks } from "./subscriptionRequestedWorks.ts";
import { unnoticedPublishAccounted } from "./unnoticedPublishAccounted.ts";
import { delivered } from "./delivered.ts";
import { notDelivered } from "./notDelivered.ts";
import { connackHas } from "./connackHas.ts";
import { opAnswered } from "./opAnswered.ts";

export interface CheckerInfo {
  /** Builds the check; every argument is optional (defaults come from the run's context). */
  factory: (...args: never[]) => Check;
  /** The MQTT guarantee (spec section) or client promise the check holds the client to. */
  guarantee: string;
  /** The bound it judges against, and where that bound comes from ("—" when none). */
  bound: string;
  /** For checkers that need arguments (the compliance ones): one built with example arguments. */
  example?: () => Check;
}

/** Every checker by name: for `faraday list` and the README's "What a verdict means". */
export const CHECKERS = {
  noLostAcknowledged: {
    factory: noLostAcknowledged,
    guarantee: "QoS 1, MQTT §4.3.2: a message acknowledged to its sender reaches the receiver at least once, both directions",
    bound: "after a drain of max(3 s, response time)",
  },
  reconnectsWithin: {
    factory: reconnectsWithin,
    guarantee: "after each fault heals, the client reports up again",
    bound: "2 × reconnect cycle + 2 s; cycle = reconnect pause + WiFi-stability wait + response time",
  },
  resumesPublishing: {
    factory: resumesPublishing,
    guarantee: "after the last fault heals, N publishes are acknowledged and delivered",
    bound: "the scenario waits one reconnect cycle for them",
  },
  noUncaughtErrors: {
    factory: noUncaughtErrors,
    guarantee: "no exception escapes the client; the device process never dies by itself",
    bound: "—",
  },
  expectationsMet: {
    factory: expectationsMet,
    guarantee: "every expectation the scenario waited on happened in time; part of every run",
    bound: "the bound the scenario names",
  },
  qos0AtMostOnce: {
    factory: qos0AtMostOnce,
    guarantee: "QoS 0, MQTT §4.3.1: a QoS 0 message is delivered at most once (lost is allowed)",
    bound: "—",
  },
  qos1AtLeastOnce: {
    factory: qos1AtLeastOnce,
    guarantee: "QoS 1, MQTT §4.3.2: every QoS 1 message acknowledged to a sender that did not give up on it is delivered ≥ 1 time",
    bound: "after a drain of max(3 s, response time)",
  },
  noDuplicatesBeyondDup: {
    factory: noDuplicatesBeyondDup,
    guarantee: "QoS 1, MQTT §4.3.2/§4.4: a duplicate only as a resend — a reconnect of sender or receiver or a broker restart came between (3.1.1 also: a DUP resend while the publish is unanswered)",
    bound: "—",
  },
  orderPerTopic: {
    factory: orderPerTopic,
    guarantee: "MQTT §4.6: QoS 1 messages from one sender on one topic arrive in order; only a resend after a reconnect may repeat older ones",
    bound: "—",
  },
  detectsOutageWithin: {
    factory: detectsOutageWithin,
    guarantee: "after apLoss/partition/brokerFreeze/brokerCrash/brokerShutdown, the client's own down signal arrives (keepalive, MQTT §3.1.2.10)",
    bound: "client's detection factor × keepalive + 2 s from the fault's start (mqtt_as: 1.5 × 6 s + 2 s = 11 s)",
  },
  subscriptionsSurvive: {
    factory: subscriptionsSurvive,
    guarantee: "after each reconnect the client still receives its subscriptions (kept session or renewed)",
    bound: "publishes later than one response time after the up",
  },
  sessionResumed: {
    factory: sessionResumed,
    guarantee: "MQTT §3.2.2.2: a reconnect asking to keep the session (clean=false; after a device restart clean_init=false; v5 expiry > 0) gets Session Present 1",
    bound: "v5: only within the session expiry",
  },
  sessionClean: {
    factory: sessionClean,
    guarantee: "MQTT-3.2.2-1: a reconnect with clean=true gets Session Present 0",
    bound: "—",
  },
  memoryBounded: {
    factory: memoryBounded,
    guarantee: "free heap at the first reading after each up does not fall steadily across outages (within one device process)",
    bound: "max(4096 B, 10 % of the first reading); at least 3 readings",
  },
  noBusyLoop: {
    factory: noBusyLoop,
    guarantee: "the agent's 500 ms heartbeat keeps coming while the link is down (no spin on a dead socket)",
    bound: "gap ≤ 2000 ms (4 missed beats), on the device's clock when it has one",
  },
  noMemoryError: {
    factory: noMemoryError,
    guarantee: "the client never runs out of heap: no MemoryError, caught or not; the lowest free heap is reported",
    bound: "—",
  },
  subscriptionRequestedWorks: {
    factory: subscriptionRequestedWorks,
    guarantee: "MQTT §3.8/§3.9: once the client says its subscribe succeeded, the broker routes the topic to it",
    bound: "observer publishes later than one response time after the subscribe's answer and the latest up",
  },
  unnoticedPublishAccounted: {
    factory: unnoticedPublishAccounted,
    guarantee: "MQTT §4.3.2, §4.4: a QoS 1 publish issued during a silent outage the client has not noticed yet is delivered or reported as not sent",
    bound: "judged after the drain",
  },
  delivered: {
    factory: delivered,
    example: () => delivered({ to: "device", topic: "t" }),
    guarantee: "compliance: a message reaches the named receiver with exactly the topic, payload, QoS, retain flag and properties wanted (optionally exactly N times)",
    bound: "judged after the drain; the scenario waits for it with a bound from the response time",
  },
  notDelivered: {
    factory: notDelivered,
    example: () => notDelivered({ to: "device", topic: "t" }),
    guarantee: "compliance: nothing on a topic reaches the named receiver during the whole run (will after clean DISCONNECT, No Local, $SYS through #); `unknown` on a run cut short",
    bound: "the whole run, which waits at least one response time after the act",
  },
  connackHas: {
    factory: connackHas,
    example: () => connackHas({ who: "device" }),
    guarantee: "compliance: the CONNACK a connection got carries the Session Present flag, reason code and properties the spec requires",
    bound: "—",
  },
  opAnswered: {
    factory: opAnswered,
    example: () => opAnswered({ op: "publish" }),
    guarantee: "compliance: the client answers a publish/subscribe/unsubscribe as the spec requires: accepted or refused, with the PUBACK reason code or SUBACK codes",
    bound: "—",
  },
} as const satisfies Record<string, CheckerInfo>;

export type CheckerName = keyof typeof CHECKERS;
