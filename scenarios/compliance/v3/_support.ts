/**
 * Shared steps of the MQTT 3.1.1 feature scenarios (not a scenario: no default export, so the
 * registry passes over it). Every wait here is bounded and, when it runs out, ends the
 * scenario with an ExpectationFailed that names what the client did not do — a verdict on
 * the client (expectationsMet), never a lab error.
 */
import type { Ack } from "../../../src/devices/channel.ts";
import type { ScenarioContext } from "../../../src/scenario/dsl.ts";
import { ExpectationFailed } from "../../../src/scenario/expectation.ts";
import type { TimelineEvent } from "../../../src/timeline/event.ts";

/** The run's clock (timeline offset in ms), for the evidence of a failed expectation. */
function now(ctx: ScenarioContext): number {
  return ctx.targets.lab.timeline.now();
}

/**
 * A device operation the scenario cannot go on without: answered within `within` ms and
 * accepted. Neither → the expectation fails with the client's own answer quoted.
 * (DeviceHandle ops have no bound of their own: an mqtt_as publish waits out outages forever.)
 */
export async function must(ctx: ScenarioContext, op: Promise<Ack>, within: number, what: string): Promise<Ack> {
  const since = now(ctx);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), within)));
  const ack = await Promise.race([op, late]).finally(() => clearTimeout(timer));
  if (!ack) throw new ExpectationFailed(`${what} (no answer from the client)`, within, since);
  if (!ack.ok) throw new ExpectationFailed(`${what} (the client answered: ${ack.err ?? "failed"})`, within, since);
  return ack;
}

/**
 * An operation whose answer is itself the subject of a check (opAnswered judges the ack on the
 * timeline): its ack, or undefined after `within` — never a stop, even when feature()'s own
 * bound on the operation runs out first.
 */
export async function answer(op: Promise<Ack>, within: number): Promise<Ack | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), within)));
  return Promise.race([op.catch(() => undefined), late]).finally(() => clearTimeout(timer));
}

/**
 * Wait for an event on the run's timeline (one already there counts when `past` is set).
 * For what the DSL's received() cannot express — a receipt with a given RETAIN flag.
 */
export async function event(ctx: ScenarioContext, pred: (e: TimelineEvent) => boolean, within: number, what: string, past = true): Promise<TimelineEvent> {
  const tl = ctx.targets.lab.timeline;
  const since = now(ctx);
  const seen = past ? tl.events.find(pred) : undefined;
  if (seen) return seen;
  const e = await tl.next(pred, within, ctx.targets.lab.abort.signal);
  if (!e) throw new ExpectationFailed(what, within, since);
  return e;
}

/**
 * Subscribe the device and wait until the broker has granted it (its SUBACK on the wire tap, or
 * in its log) — not only until the client says so. A client that reports a subscribe before the SUBACK
 * (aiomqttc) would otherwise race the peer's next publish and fail whatever feature the
 * scenario is about; that race is a feature of its own (subscribe-acknowledged). Without a
 * broker log line within one exchange the scenario goes on (noted).
 */
export async function subscribeGranted(ctx: ScenarioContext, topic: string, qos: 0 | 1 | 2, what?: string): Promise<Ack> {
  const from = ctx.targets.lab.timeline.events.length;
  const ack = await must(ctx, ctx.device.subscribe(topic, qos), ctx.bounds.deliveryMs, what ?? `the device subscribes to ${topic}`);
  await brokerSaid(ctx, "SUBACK", from);
  return ack;
}

/** The same for UNSUBSCRIBE: the broker's UNSUBACK, not only the client's word. */
export async function unsubscribeGranted(ctx: ScenarioContext, topic: string, what?: string): Promise<Ack> {
  const from = ctx.targets.lab.timeline.events.length;
  const ack = await must(ctx, ctx.device.unsubscribe(topic), ctx.bounds.deliveryMs, what ?? `the device unsubscribes from ${topic}`);
  await brokerSaid(ctx, "UNSUBACK", from);
  return ack;
}

/**
 * Wait (one exchange at most) for the broker's `packet` to the device after event index `from`:
 * on the lab's wire tap (any broker), or in the broker's log (mosquitto).
 */
async function brokerSaid(ctx: ScenarioContext, packet: "SUBACK" | "UNSUBACK", from: number): Promise<void> {
  const tl = ctx.targets.lab.timeline;
  const tail = `: Sending ${packet} to ${ctx.client.client_id}`;
  const cmd = packet.toLowerCase();
  const pred = (e: TimelineEvent) =>
    (e.src === "wire" && e.kind === "packet" && e.dir === "down" && e.cmd === cmd) || (e.src === "broker" && e.kind === "log" && typeof e.line === "string" && e.line.endsWith(tail));
  if (tl.events.slice(from).some(pred)) return;
  const e = await tl.next(pred, ctx.bounds.deliveryMs, ctx.targets.lab.abort.signal);
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
