// Steps the v5 feature scenarios share. No default export: the registry skips this file.
import type { Ack } from "../../../src/devices/channel.ts";
import type { Received, ScenarioContext } from "../../../src/scenario/dsl.ts";
import { ExpectationFailed } from "../../../src/scenario/expectation.ts";

/** A device operation the scenario cannot go on without: a refusal ends the run as a failed expectation. */
export function mustOk(ctx: Pick<ScenarioContext, "now">, ack: Ack, what: string): void {
  if (!ack.ok) throw new ExpectationFailed(`${what} (the client answered: ${ack.err ?? "refused"})`, 0, ctx.now());
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

/** A payload of exactly n bytes of text. */
export const bytes = (n: number, fill = "x"): string => fill.repeat(n);
