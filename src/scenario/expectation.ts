/**
 * A scenario's expectation of the client was not met (it never came back up, never resumed).
 * This ends the scenario early; the checkers then judge the timeline, and the expectation
 * itself becomes failing evidence. It is a verdict on the client, never a lab error.
 */
export class ExpectationFailed extends Error {
  override readonly name = "ExpectationFailed";
  constructor(
    readonly what: string,
    readonly withinMs: number,
    readonly since: number,
  ) {
    super(`${what} (waited ${withinMs} ms from ${(since / 1000).toFixed(3)} s)`);
  }
}
