import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Timeline } from "../../src/timeline/timeline.ts";
import { parseTimeline, at } from "../../src/timeline/event.ts";

/** A clock the test moves by hand. */
function handClock() {
  let now = 0;
  return { clock: () => now, set: (t: number) => (now = t) };
}

describe("Timeline", () => {
  it("stamps every event on its one clock, in the order recorded", () => {
    const c = handClock();
    const tl = new Timeline(c.clock);
    c.set(5);
    tl.record("device", "up");
    c.set(12.5);
    tl.record("fault", "start", { fault: "brokerCrash" });
    expect(tl.events).toEqual([
      { t: 5, src: "device", kind: "up" },
      { t: 12.5, src: "fault", kind: "start", fault: "brokerCrash" },
    ]);
  });

  it("resolves a wait with the first matching event after the wait began", async () => {
    const tl = new Timeline(handClock().clock);
    tl.record("device", "up");
    const waiting = tl.next((e) => e.kind === "up", 1000);
    tl.record("device", "down");
    tl.record("device", "up", { n: 2 });
    expect((await waiting)?.n).toBe(2);
  });

  it("resolves a wait with undefined when nothing matches in time, or on abort", async () => {
    const tl = new Timeline(handClock().clock);
    expect(await tl.next(() => true, 10)).toBeUndefined();
    const ac = new AbortController();
    const p = tl.next(() => true, 10_000, ac.signal);
    ac.abort();
    expect(await p).toBeUndefined();
  });

  it("writes jsonl that parses back to the same events", async () => {
    const dir = mkdtempSync(join(tmpdir(), "faraday-tl-"));
    const c = handClock();
    const tl = new Timeline(c.clock);
    tl.record("lab", "run.start", { seed: 7 });
    tl.writeTo(join(dir, "timeline.jsonl"));
    c.set(3);
    tl.record("observer", "recv", { topic: "a", payload: "seq=1" });
    await tl.close();
    expect(parseTimeline(readFileSync(join(dir, "timeline.jsonl"), "utf8"))).toEqual(tl.events);
  });

  it("names the line of a corrupt timeline", () => {
    expect(() => parseTimeline('{"t":1,"src":"lab","kind":"x"}\nnot json\n')).toThrow(/line 2 is not JSON/);
    expect(() => parseTimeline('{"t":1}\n')).toThrow(/line 1 lacks t\/src\/kind/);
  });

  it("quotes times in seconds with millisecond precision", () => {
    expect(at(12304)).toBe("12.304 s");
  });
});
