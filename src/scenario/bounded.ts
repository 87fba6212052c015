import type { Ack } from "../devices/channel.ts";
import type { TimelineEvent } from "../timeline/event.ts";
import { timeoutAfterIo, type Timeline } from "../timeline/timeline.ts";
import type { AnswerBound } from "./dsl.ts";
import { ExpectationFailed } from "./expectation.ts";

/**
 * ScenarioContext.answered: the client's answer to a device operation within `b.within` ms.
 * (A DeviceHandle operation has no bound of its own: an mqtt_as publish waits out outages
 * forever.) With `what`, no answer or a refusal is a failed expectation quoting the client;
 * without, the ack or undefined.
 */
export async function answerWithin(tl: Timeline, op: Promise<Ack>, b: { within: number } & Partial<AnswerBound>): Promise<Ack | undefined> {
  const since = tl.now();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((r) => (timer = timeoutAfterIo(() => r(undefined), b.within)));
  if (b.what === undefined) return Promise.race([op.catch(() => undefined), late]).finally(() => clearTimeout(timer));
  const ack = await Promise.race([op, late]).finally(() => clearTimeout(timer));
  if (!ack) throw new ExpectationFailed(`${b.what} (no answer from the client)`, b.within, since);
  if (!ack.ok && !b.refusalReturned) throw new ExpectationFailed(`${b.what} (the client answered: ${ack.err ?? "failed"})`, b.within, since);
  return ack;
}

/**
 * ScenarioContext.seen: Timeline.seenOrNext — the first event matching that is already on the
 * timeline (from mark `since`), else the next one within `within` ms; with `what`, none is a
 * failed expectation.
 */
export async function seenOrNext(
  tl: Timeline,
  signal: AbortSignal,
  pred: (e: TimelineEvent) => boolean,
  o: { within: number; what?: string; since?: number },
): Promise<TimelineEvent | undefined> {
  const started = tl.now();
  const e = await tl.seenOrNext(pred, { since: o.since, within: o.within, signal });
  if (!e && o.what !== undefined) throw new ExpectationFailed(o.what, o.within, started);
  return e;
}
