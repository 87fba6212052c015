/**
 * The MQTT 3.1.1 scenarios' old helpers, now spelled with the DSL's bounded operation
 * (ctx.answered) and wait (ctx.seen) and ../steps.ts, for the files not yet in a feature table
 * (not a scenario: no default export, so the registry passes over it).
 */
import type { Ack } from "../../../src/devices/channel.ts";
import type { ScenarioContext } from "../../../src/scenario/dsl.ts";
import type { TimelineEvent } from "../../../src/timeline/event.ts";

export { BROKER_KEEPALIVE_FACTOR, subscribeGranted, unsubscribeGranted, willBound } from "../steps.ts";

/** ctx.answered(op, { within, what }). */
export const must = (ctx: ScenarioContext, op: Promise<Ack>, within: number, what: string): Promise<Ack> => ctx.answered(op, { within, what });

/** ctx.answered(op, { within }): the ack, or undefined. */
export async function answer(op: Promise<Ack>, within: number): Promise<Ack | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), within)));
  return Promise.race([op.catch(() => undefined), late]).finally(() => clearTimeout(timer));
}

/** ctx.seen(pred, { within, what }). */
export const event = (ctx: ScenarioContext, pred: (e: TimelineEvent) => boolean, within: number, what: string): Promise<TimelineEvent> => ctx.seen(pred, { within, what });
