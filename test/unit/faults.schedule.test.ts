import { describe, expect, it } from "vitest";
import { seededRandom } from "../../src/lab/random.ts";
import { childRandom } from "../../src/faults/seeded.ts";
import { gilbertElliottParams, gilbertElliottStates, stallsOf } from "../../src/faults/lossyLink.ts";
import { flappingApSchedule } from "../../src/faults/profiles/flappingAp.ts";
import { walkOutOfRangeSchedule } from "../../src/faults/profiles/walkOutOfRange.ts";
import { faradayCagePlan } from "../../src/faults/profiles/faradayCage.ts";

const ge = gilbertElliottParams({ stepMs: 200, pGoodToBad: 0.1, pBadToGood: 0.4 });
const states = (seed: number, n = 500) => gilbertElliottStates(seededRandom(seed), ge, n);

describe("the Gilbert–Elliott loss chain", () => {
  it("replays the same states for the same seed and other states for another seed", () => {
    expect(states(42)).toEqual(states(42));
    expect(states(42)).not.toEqual(states(43));
  });

  it("is bursty with the share of bad time and the mean stall its probabilities promise", () => {
    const s = states(7, 20_000);
    const bad = s.filter((x) => x === "bad").length / s.length;
    expect(bad).toBeGreaterThan(0.1 / 0.5 - 0.03); // stationary share p / (p + q) = 0.2
    expect(bad).toBeLessThan(0.1 / 0.5 + 0.03);
    const stalls = stallsOf(s, 200);
    const meanMs = stalls.reduce((a, x) => a + (x.toMs - x.fromMs), 0) / stalls.length;
    expect(meanMs).toBeGreaterThan(200 / 0.4 - 60); // mean stall stepMs / q = 500 ms
    expect(meanMs).toBeLessThan(200 / 0.4 + 60);
  });

  it("starts good, never stalls with pGoodToBad 0, and stalls for good with pBadToGood 0", () => {
    expect(gilbertElliottStates(seededRandom(1), gilbertElliottParams({ pGoodToBad: 0 }), 100).every((x) => x === "good")).toBe(true);
    expect(gilbertElliottStates(seededRandom(1), gilbertElliottParams({ pGoodToBad: 1, pBadToGood: 0 }), 100).every((x) => x === "bad")).toBe(true);
  });

  it("turns states into stalls in ms: step i holds from (i + 1) steps on, and runs of bad merge", () => {
    expect(stallsOf(["good", "bad", "bad", "good", "bad"], 100)).toEqual([
      { fromMs: 200, toMs: 400 },
      { fromMs: 500, toMs: 600 },
    ]);
  });

  it("refuses probabilities outside 0..1 and steps below 10 ms, naming the parameter", () => {
    expect(() => gilbertElliottParams({ pGoodToBad: 1.5 })).toThrow("lossyLink: pGoodToBad must be a probability between 0 and 1, not 1.5");
    expect(() => gilbertElliottParams({ stepMs: 5 })).toThrow(/stepMs must be a whole number of ms ≥ 10/);
  });
});

describe("child random streams", () => {
  it("derive from one draw of the parent, so the same run seed gives the same children", () => {
    const a = seededRandom(99);
    const b = seededRandom(99);
    const ca = childRandom(a);
    const cb = childRandom(b);
    expect(ca.seed).toBe(cb.seed);
    expect([ca.next(), ca.next()]).toEqual([cb.next(), cb.next()]);
    expect(childRandom(a).seed).not.toBe(ca.seed); // the next child is another stream
  });
});

describe("flappingAp's schedule", () => {
  it("is the same for a seed, different for another, and within the ranges given", () => {
    const p = { outages: 8, minOutageMs: 300, maxOutageMs: 900, minGapMs: 1000, maxGapMs: 2000 };
    const a = flappingApSchedule(seededRandom(5), p);
    expect(a).toEqual(flappingApSchedule(seededRandom(5), p));
    expect(a).not.toEqual(flappingApSchedule(seededRandom(6), p));
    expect(a).toHaveLength(8);
    for (const f of a) {
      expect(f.outageMs).toBeGreaterThanOrEqual(300);
      expect(f.outageMs).toBeLessThanOrEqual(900);
      expect(f.gapMs).toBeGreaterThanOrEqual(1000);
      expect(f.gapMs).toBeLessThanOrEqual(2000);
      expect(Number.isInteger(f.gapMs) && Number.isInteger(f.outageMs)).toBe(true);
    }
  });

  it("refuses an empty range the wrong way round", () => {
    expect(() => flappingApSchedule(seededRandom(1), { minOutageMs: 900, maxOutageMs: 300 })).toThrow(/maxOutageMs must be a number of ms ≥ minOutageMs, not 300/);
  });
});

describe("walkOutOfRange's schedule", () => {
  const params = { steps: 3, stepMs: 1000, pace: 0.2, maxLatencyMs: 900, outageMs: 7000 };

  it("walks out in rising steps, holds the outage, and walks back through the same levels", () => {
    const s = walkOutOfRangeSchedule(seededRandom(3), params);
    expect(s.map((x) => (x.leg === "far" ? "far" : `${x.leg}${x.level}`))).toEqual(["out1", "out2", "out3", "far", "back3", "back2", "back1"]);
    const lat = s.map((x) => (x.leg === "far" ? null : x.latencyMs));
    expect(lat).toEqual([300, 600, 900, null, 900, 600, 300]);
    const loss = s.flatMap((x) => (x.leg === "far" ? [] : [x.loss.pGoodToBad]));
    expect(loss[0]).toBeLessThan(loss[1]!);
    expect(loss[1]).toBeLessThan(loss[2]!);
    expect(loss.slice(3)).toEqual([...loss.slice(0, 3)].reverse());
    expect(s[3]).toEqual({ leg: "far", dwellMs: 7000 });
    for (const x of s) if (x.leg !== "far") {
      expect(x.dwellMs).toBeGreaterThanOrEqual(800);
      expect(x.dwellMs).toBeLessThanOrEqual(1200);
      expect(x.jitterMs).toBe(Math.round(x.latencyMs * 0.25));
    }
  });

  it("is the same walk for a seed and another pace for another seed", () => {
    const a = walkOutOfRangeSchedule(seededRandom(11), params);
    expect(a).toEqual(walkOutOfRangeSchedule(seededRandom(11), params));
    expect(a.map((x) => x.dwellMs)).not.toEqual(walkOutOfRangeSchedule(seededRandom(12), params).map((x) => x.dwellMs));
  });
});

describe("faradayCage's plan", () => {
  it("defaults to three keepalives and refuses an outage no longer than the keepalive", () => {
    expect(faradayCagePlan({}, 6)).toEqual({ outageMs: 18_000 });
    expect(faradayCagePlan({ outageMs: 9000 }, 6)).toEqual({ outageMs: 9000 });
    expect(() => faradayCagePlan({ outageMs: 6000 }, 6)).toThrow(/must be longer than the keepalive \(6 s\)/);
    expect(() => faradayCagePlan({}, undefined)).toThrow(/give outageMs/);
  });
});
