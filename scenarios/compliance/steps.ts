/**
 * Steps the compliance features share, in both protocols (not a scenario: no default export, so
 * the registry passes over it). Every wait here is bounded and, when it runs out, ends the
 * scenario with an ExpectationFailed that names what the client did not do — a verdict on the
 * client (expectationsMet), never a lab error.
 */
import type { Check } from "../../src/checks/check.ts";
import { onWire } from "../../src/checks/onWire.ts";
import type { Ack } from "../../src/devices/channel.ts";
import type { Received, ScenarioContext, SubscriptionOptions } from "../../src/scenario/dsl.ts";
import { ExpectationFailed } from "../../src/scenario/expectation.ts";
import type { TimelineEvent } from "../../src/timeline/event.ts";
import { isBroker, isWirePacket } from "../../src/timeline/is.ts";

/**
 * Subscribe the device and wait until the broker has granted it (its SUBACK on the wire tap, or
 * in its log) — not only until the client says so. A client that reports a subscribe before the SUBACK
 * (aiomqttc) would otherwise race the peer's next publish and fail whatever feature the
 * scenario is about; that race is a feature of its own (subscribe-acknowledged). Without a
 * broker log line within one exchange the scenario goes on (noted).
 */
export async function subscribeGranted(ctx: ScenarioContext, topic: string, qos: 0 | 1 | 2, what?: string): Promise<Ack> {
  const from = ctx.mark();
  const ack = await ctx.answered(ctx.device.subscribe(topic, qos), { within: ctx.bounds.deliveryMs, what: what ?? `the device subscribes to ${topic}` });
  await brokerSaid(ctx, "SUBACK", from);
  return ack;
}

/** The same for UNSUBSCRIBE: the broker's UNSUBACK, not only the client's word. */
export async function unsubscribeGranted(ctx: ScenarioContext, topic: string, what?: string): Promise<Ack> {
  const from = ctx.mark();
  const ack = await ctx.answered(ctx.device.unsubscribe(topic), { within: ctx.bounds.deliveryMs, what: what ?? `the device unsubscribes from ${topic}` });
  await brokerSaid(ctx, "UNSUBACK", from);
  return ack;
}

/**
 * Wait (one exchange at most) for the broker's `packet` to the device after mark `from`:
 * on the lab's wire tap (any broker), or in the broker's log (mosquitto).
 */
async function brokerSaid(ctx: ScenarioContext, packet: "SUBACK" | "UNSUBACK", from: number): Promise<void> {
  const tail = `: Sending ${packet} to ${ctx.client.client_id}`;
  const cmd = packet.toLowerCase();
  const pred = (e: TimelineEvent) =>
    (isWirePacket(e) && e.dir === "down" && e.cmd === cmd) || (isBroker(e, "log") && typeof e.line === "string" && e.line.endsWith(tail));
  const e = await ctx.seen(pred, { within: ctx.bounds.deliveryMs, since: from });
  if (!e) ctx.note(`neither the wire tap nor the broker's log showed a ${packet} to ${ctx.client.client_id} within ${ctx.bounds.deliveryMs} ms; going on`);
}

/** Seconds of the broker's keepalive grace: it closes a silent connection after 1.5 × keepalive (MQTT-3.1.2-24). */
export const BROKER_KEEPALIVE_FACTOR = 1.5;

/**
 * How long the broker may take to notice a connection that ended without DISCONNECT and
 * publish its will: at once when the socket closes, at the latest 1.5 × keepalive after the
 * client's last packet (MQTT-3.1.2-24) — plus one exchange to reach a subscriber.
 */
export function willBound(ctx: ScenarioContext): number {
  return BROKER_KEEPALIVE_FACTOR * ctx.client.keepalive * 1000 + ctx.bounds.deliveryMs;
}

/**
 * The first of several receivers that gets a message (shared subscriptions): resolves with it,
 * or fails the expectation when none did within the bound each wait carries.
 */
export async function firstOf(ctx: Pick<ScenarioContext, "now">, waits: Promise<Received>[], what: string, within: number): Promise<Received> {
  const since = ctx.now();
  try {
    return await Promise.any(waits);
  } catch {
    throw new ExpectationFailed(what, within, since);
  }
}

/**
 * A publish the broker must not pass on (too large, not what it claims…), then a sentinel: a
 * peer "sub" subscribes to `topic` and the device publishes. Answered or not (a refusal, or a
 * client stuck resending it), the checks judge it: either answer ends the wait — the client's
 * own refusal (an ack) or the broker's (the connection goes down, `downWhat`); a client that
 * retries the publish forever gives neither. Then "sub" publishes a sentinel on the topic: had
 * the broker passed the device's message on, it would be there first.
 */
export async function refusedThenSentinel(ctx: ScenarioContext, topic: string, payload: string | { hex: string }, props: Record<string, unknown> | undefined, downWhat: string): Promise<void> {
  const { device, peer, bounds } = ctx;
  await device.up({ within: bounds.connectMs });
  const sub = await peer("sub");
  await sub.subscribe(topic, { qos: 1 });
  const ack = device.publish(topic, payload, { qos: 1, ...(props ? { props } : {}) }).catch(() => undefined);
  await Promise.race([ack, device.down({ within: bounds.deliveryMs, what: downWhat }).catch(() => undefined)]);
  await sub.publish(topic, "sentinel", { qos: 1 });
  await sub.received({ topic, payload: "sentinel" }, { within: bounds.deliveryMs });
}

/** A payload of exactly n bytes of text. */
export const bytes = (n: number, fill = "x"): string => fill.repeat(n);

/** The device's SUBSCRIBE carries the subscription option (MQTT 5 §3.8.3.1) on the wire. */
export function optionOnWire(topic: string, o: SubscriptionOptions, label: string): Check {
  return onWire({ dir: "up", cmd: "subscribe", where: { subscriptions: [{ topic, ...{ qos: 1, nl: false, rap: false, rh: 0, ...o } }] }, what: `SUBSCRIBE carries the option (${label})`, name: "optionOnWire" });
}
