import { describe, expect, it } from "vitest";
import { PhaseClock } from "../../src/lab/phases.ts";

/** A clock the test moves by hand. */
function clock() {
  let t = 0;
  const pc = new PhaseClock(() => t);
  return { pc, to: (x: number) => (t = x) };
}

describe("a run's phases: where its time goes", () => {
  it("each phase lasts until the next begins; the lab's share is setup, teardown and the scenario outside its waits", () => {
    const { pc, to } = clock();
    pc.enter("setup");
    to(300);
    pc.enter("connect");
    to(6300);
    pc.enter("scenario");
    const w = pc.waiting("scripted");
    to(16_300);
    w();
    to(16_400); // a fault applied: the lab's
    const c = pc.waiting("client");
    to(20_400);
    c();
    pc.enter("drain");
    to(20_500);
    pc.enter("stop");
    to(21_000);
    pc.enter("teardown");
    to(21_200);
    pc.finish();
    expect(pc.summary()).toEqual({
      setupMs: 300,
      connectMs: 6000,
      scenarioMs: 14_100,
      drainMs: 100,
      stopMs: 500,
      teardownMs: 200,
      scriptedWaitMs: 10_000,
      clientWaitMs: 4000,
      labMs: 600,
    });
  });

  it("overlapping waits count each moment once, as the client's when a client wait is open", () => {
    const { pc, to } = clock();
    pc.enter("scenario");
    const s = pc.waiting("scripted"); // a publish stream's pause…
    to(1000);
    const c = pc.waiting("client"); // …while the scenario waits for the client's up
    to(3000);
    s();
    to(4000);
    c();
    c(); // a second end is nothing
    to(5000);
    pc.enter("drain");
    pc.finish();
    const r = pc.summary();
    expect([r.scriptedWaitMs, r.clientWaitMs, r.labMs]).toEqual([1000, 3000, 1000]);
  });

  it("a wait still open when the scenario ends counts only up to the drain", () => {
    const { pc, to } = clock();
    pc.enter("scenario");
    pc.waiting("client");
    to(2000);
    pc.enter("drain");
    to(5000);
    pc.finish();
    expect(pc.summary().clientWaitMs).toBe(2000);
    expect(pc.summary().drainMs).toBe(3000);
  });

  it("a run that stopped in setup has only its setup and teardown", () => {
    const { pc, to } = clock();
    pc.enter("setup");
    to(400);
    pc.enter("teardown");
    to(500);
    pc.finish();
    expect(pc.summary()).toMatchObject({ setupMs: 400, connectMs: 0, scenarioMs: 0, teardownMs: 100, labMs: 500 });
  });
});
