import { at } from "../timeline/event.ts";
import type { Check, CheckResult, Evidence } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { buildLedger, describe, type LedgerEntry } from "./ledger.ts";
import { brokerDownIntervals, inside } from "./history.ts";
import type { TimelineEvent } from "../timeline/event.ts";
import type { CheckContext } from "./context.ts";
import { owedToDevice, sessionLostByBroker } from "./owed.ts";
import { isBroker } from "../timeline/is.ts";

/**
 * A durable broker saves after each change, but a SIGKILL can still land between a PUBACK
 * and the save that follows it (mosquitto saves from its main loop). A message acknowledged
 * this close before a crash is charged to the broker, not the client.
 */
const DURABLE_SAVE_WINDOW_MS = 1000;

export const noLostAcknowledgedChecker = defineChecker({
  name: "noLostAcknowledged",
  group: "resilience",
  guarantee: "QoS 1, MQTT §4.3.2: a message acknowledged to its sender (the client's publish returned / the broker PUBACKed the observer) reaches the receiver at least once, both directions",
  bound: "after a drain of max(3 s, response time)",
  factory: noLostAcknowledged,
});

/**
 * MQTT 3.1.1 §4.3.2 / v5 §4.3.2 (QoS 1, at least once): a message whose sender was told it
 * was acknowledged must reach the subscriber at least once — in both directions.
 *
 * Attribution: a device publish "acknowledged" while the broker process was not running
 * cannot have been PUBACKed: the client's claim is false (charged to the client). A loss
 * after a broker crash that followed the acknowledgement is the broker's when the broker is
 * not durable, or when the crash came within its save window. Anything else is the client's.
 */
export function noLostAcknowledged(): Check {
  return {
    name: noLostAcknowledgedChecker.name,
    guarantee: noLostAcknowledgedChecker.guarantee,
    judge: (events, ctx) => judgeAcknowledged(events, ctx, { label: "QoS 1", qos: (q) => q >= 1 }),
  };
}

/**
 * The judgement itself, shared with qos1AtLeastOnce: every acknowledged message of the given
 * QoS reached its receiver, each loss charged as described above.
 */
export function judgeAcknowledged(
  events: readonly TimelineEvent[],
  ctx: CheckContext,
  scope: { label: string; qos: (qos: number) => boolean },
): Omit<CheckResult, "name"> {
  const all = buildLedger(events).filter((m) => scope.qos(m.qos) && m.ackedAt !== undefined);
  const notOwed = all.filter((m) => !owedToDevice(m, events, ctx).owed);
  const acked = all.filter((m) => !notOwed.includes(m));
  const excused = notOwed.length ? `; ${notOwed.length} message(s) not owed to their receiver (${(owedToDevice(notOwed[0]!, events, ctx) as { why: string }).why}${notOwed.length > 1 ? ", …" : ""})` : "";
  if (acked.length === 0) {
    return {
      verdict: "unknown",
      summary: `no ${scope.label} message was acknowledged to its sender: nothing to judge${excused}`,
      evidence: [],
    };
  }
  const down = brokerDownIntervals(events);
  const crashes = events.filter((e) => isBroker(e, "exit") && e.how === "SIGKILL");
  const lost = acked.filter((m) => m.deliveries.length === 0);
  const evidence: Evidence[] = lost
    .map((m) => {
      const lostSession = sessionLostByBroker(m, events, ctx);
      return lostSession ? sessionLoss(m, lostSession) : attribute(m, down, crashes, ctx.broker.durable);
    })
    .sort((a, b) => (a.t ?? 0) - (b.t ?? 0));
  const clients = evidence.filter((e) => e.charged === "client");
  const brokers = evidence.filter((e) => e.charged === "broker");
  const upN = acked.filter((m) => m.dir === "up").length;
  const downN = acked.length - upN;
  if (clients.length > 0) {
    return {
      verdict: "fail",
      summary: `${clients.length} of ${acked.length} acknowledged ${scope.label} messages never delivered (client's loss)${brokers.length ? `; ${brokers.length} more charged to the broker` : ""}${excused}`,
      evidence: firstN([...clients, ...brokers], 12),
    };
  }
  return {
    verdict: "pass",
    summary: `all ${acked.length} acknowledged ${scope.label} messages delivered (${upN} device→observer, ${downN} observer→device)${brokers.length ? `, except ${brokers.length} lost by the broker` : ""}${excused}`,
    evidence: firstN(brokers, 12),
  };
}

function attribute(m: LedgerEntry, down: ReturnType<typeof brokerDownIntervals>, crashes: TimelineEvent[], durable: boolean): Evidence {
  const ackedAt = m.ackedAt!;
  const base = { t: ackedAt, seq: m.seq, topic: m.topic, payload: m.payload, dir: m.dir };
  const ackWho = m.dir === "up" ? "acknowledged to the client" : "PUBACKed to the observer";
  const never = m.dir === "up" ? "never delivered to the observer" : "never delivered to the device";
  const outage = down.find((iv) => inside(ackedAt, iv));
  if (m.dir === "up" && outage) {
    return {
      ...base,
      charged: "client",
      text: `${describe(m)} ${ackWho} at ${at(ackedAt)} while the broker was down (${at(outage.from)}–${outage.to === Infinity ? "end" : at(outage.to)}): no PUBACK can exist; ${never}`,
    };
  }
  const crash = crashes.find((c) => c.t >= ackedAt);
  if (crash && (!durable || crash.t - ackedAt <= DURABLE_SAVE_WINDOW_MS)) {
    const why = durable ? `within the broker's ${DURABLE_SAVE_WINDOW_MS} ms save window` : "and the broker is not durable";
    return {
      ...base,
      charged: "broker",
      text: `${describe(m)} ${ackWho} at ${at(ackedAt)}, broker crashed at ${at(crash.t)} ${why}; ${never}`,
    };
  }
  return {
    ...base,
    charged: "client",
    text: `${describe(m)} ${ackWho} at ${at(ackedAt)}, ${never}${crash ? `; broker crashed at ${at(crash.t)} (durable)` : ""}`,
  };
}

function sessionLoss(m: LedgerEntry, connack: TimelineEvent): Evidence {
  return {
    t: m.ackedAt!,
    seq: m.seq,
    topic: m.topic,
    payload: m.payload,
    dir: m.dir,
    charged: "broker",
    text: `${describe(m)} PUBACKed to the observer at ${at(m.ackedAt!)}; at ${at(connack.t)} the broker answered session present 0 to the device's reconnect with clean start 0: it lost the session the message was queued in`,
  };
}
