/**
 * What tls.ts still imports from here (no default export: the registry passes over this file).
 * New scenarios use ctx.answered and ../steps.ts.
 */
import type { Ack } from "../../../src/devices/channel.ts";
import type { ScenarioContext } from "../../../src/scenario/dsl.ts";

export { subscribeGranted } from "../steps.ts";

/** ctx.answered(op, { within, what }), in the argument order tls.ts was written with. */
export const must = (ctx: ScenarioContext, op: Promise<Ack>, within: number, what: string): Promise<Ack> => ctx.answered(op, { within, what });
