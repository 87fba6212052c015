import { describe, expect, it } from "vitest";
import type { Ack } from "../../src/devices/channel.ts";
import { answerWithin, seenOrNext } from "../../src/scenario/bounded.ts";
import { ExpectationFailed } from "../../src/scenario/expectation.ts";
import { Timeline } from "../../src/timeline/timeline.ts";

const never = new Promise<Ack>(() => {});
const ok: Ack = { id: 1, ok: true };
const refused: Ack = { id: 2, ok: false, err: "topic invalid" };

describe("the DSL's bounded device operation (ctx.answered)", () => {
  it("with `what`, hands back an ack that came in time", async () => {
    expect(await answerWithin(new Timeline(), Promise.resolve(ok), { within: 50, what: "the device publishes" })).toBe(ok);
  });

  it("with `what`, fails that expectation when no answer comes in time, and when the client refuses (quoting it)", async () => {
    const late = answerWithin(new Timeline(), never, { within: 20, what: "the device publishes" });
    await expect(late).rejects.toBeInstanceOf(ExpectationFailed);
    await expect(late).rejects.toMatchObject({ what: "the device publishes (no answer from the client)", withinMs: 20 });
    await expect(answerWithin(new Timeline(), Promise.resolve(refused), { within: 20, what: "the device publishes" })).rejects.toMatchObject({
      what: "the device publishes (the client answered: topic invalid)",
    });
  });

  it("with refusalReturned, hands a refusal back but still fails on silence", async () => {
    expect(await answerWithin(new Timeline(), Promise.resolve(refused), { within: 20, what: "x", refusalReturned: true })).toBe(refused);
    await expect(answerWithin(new Timeline(), never, { within: 20, what: "x", refusalReturned: true })).rejects.toBeInstanceOf(ExpectationFailed);
  });

  it("without `what`, never stops the scenario: the ack, or undefined on silence or a failed operation", async () => {
    expect(await answerWithin(new Timeline(), Promise.resolve(refused), { within: 20 })).toBe(refused);
    expect(await answerWithin(new Timeline(), never, { within: 20 })).toBeUndefined();
    expect(await answerWithin(new Timeline(), Promise.reject(new Error("bound ran out")), { within: 20 })).toBeUndefined();
  });
});

describe("the DSL's timeline wait (ctx.seen)", () => {
  const isUp = (e: { src: string; kind: string }) => e.src === "device" && e.kind === "up";

  it("takes an event already there, or the next one within the bound", async () => {
    const tl = new Timeline();
    const first = tl.record("device", "up");
    expect(await seenOrNext(tl, new AbortController().signal, isUp, { within: 20, what: "up" })).toBe(first);
    const next = seenOrNext(tl, new AbortController().signal, (e) => e.kind === "down", { within: 500 });
    const down = tl.record("device", "down");
    expect(await next).toBe(down);
  });

  it("looks only after a mark with `since`; none in time fails `what`, or is undefined without it", async () => {
    const tl = new Timeline();
    tl.record("device", "up");
    const mark = tl.events.length;
    expect(await seenOrNext(tl, new AbortController().signal, isUp, { within: 20, since: mark })).toBeUndefined();
    await expect(seenOrNext(tl, new AbortController().signal, isUp, { within: 20, since: mark, what: "a second up" })).rejects.toMatchObject({ what: "a second up", withinMs: 20 });
  });
});
