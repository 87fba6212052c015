import { afterEach, describe, expect, it } from "vitest";
import { Lab } from "../../src/lab/lab.ts";
import { watchObserver } from "../../src/observer/observer.ts";

const labs: Lab[] = [];
afterEach(async () => {
  for (const l of labs.splice(0)) await l.teardown();
});
function lab(): Lab {
  const l = new Lab("observer-watch");
  labs.push(l);
  return l;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the observer is watched: cut off from its broker outside a fault, the lab is broken", () => {
  it("losing the broker with no fault in effect breaks the lab at once, with the time", () => {
    const l = lab();
    watchObserver(l, 50);
    l.timeline.record("observer", "up");
    l.timeline.record("observer", "down");
    expect(l.broken).toMatch(/^the observer lost its broker at [\d.]+ s with no fault in effect$/);
    expect(l.abort.signal.aborted).toBe(true);
    expect(l.timeline.events.filter((e) => e.src === "lab" && e.kind === "error")).toHaveLength(1);
  });

  it("losing it during a fault, and coming back within the grace after the heal, is expected", async () => {
    const l = lab();
    watchObserver(l, 50);
    l.timeline.record("observer", "up");
    l.timeline.record("fault", "start", { id: "brokerCrash-1", fault: "brokerCrash" });
    l.timeline.record("observer", "down");
    l.timeline.record("fault", "end", { id: "brokerCrash-1", fault: "brokerCrash" });
    l.timeline.record("observer", "up");
    await sleep(120);
    expect(l.broken).toBeUndefined();
  });

  it("still down when the grace after the last heal is over breaks the lab", async () => {
    const l = lab();
    watchObserver(l, 50);
    l.timeline.record("observer", "up");
    l.timeline.record("fault", "start", { id: "brokerFreeze-1", fault: "brokerFreeze" });
    l.timeline.record("observer", "down");
    l.timeline.record("fault", "end", { id: "brokerFreeze-1", fault: "brokerFreeze" });
    await sleep(120);
    expect(l.broken).toMatch(/^the observer was still cut off from the broker 50 ms after the last fault \(brokerFreeze\) healed at/);
  });

  it("what happens at teardown is nobody's break", async () => {
    const l = lab();
    watchObserver(l, 50);
    l.timeline.record("observer", "up");
    await l.teardown();
    l.timeline.record("observer", "down");
    expect(l.broken).toBeUndefined();
  });
});
