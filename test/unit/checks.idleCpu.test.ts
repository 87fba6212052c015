import { describe, expect, it } from "vitest";
import { idleCpu, phaseCpu } from "../../src/checks/idleCpu.ts";
import { ctx, ev, sortByT } from "./helpers.ts";
import type { TimelineEvent } from "../../src/timeline/event.ts";

const judge = (events: TimelineEvent[]) => idleCpu().judge(sortByT(events), ctx());

/**
 * A board's heartbeats every 500 ms in [from, to): its clock `dt_dev` runs `devOffset` ahead of
 * the host's, and its loop waits `idlePerBeat` ms of each 500 (the agent's idle counter).
 */
function beats(from: number, to: number, idlePerBeat: number, o: { devOffset?: number; idleFrom?: number; hostLate?: (t: number) => number } = {}) {
  const out: TimelineEvent[] = [];
  let idle = o.idleFrom ?? 0;
  for (let t = from; t < to; t += 500) {
    out.push(ev(t + (o.hostLate?.(t) ?? 0), "device", "hb", { device: "dev1", dt_dev: t + (o.devOffset ?? 0), idleMs: idle }));
    idle += idlePerBeat;
  }
  return out;
}
const phases = (idleAt: number, afterAt: number) => [ev(idleAt, "lab", "activity", { name: "idle" }), ev(afterAt, "lab", "activity", { name: "after" }), ev(afterAt + 10, "lab", "device.stopping")];

describe("idleCpu on a board: the agent's idle counter", () => {
  it("passes a loop that waits 495 ms of every 500, naming the counter as its measure", () => {
    const r = judge([...phases(1_000, 16_000), ...beats(1_000, 16_000, 495)]);
    expect(r.verdict).toBe("pass");
    expect(r.summary).toBe("the idle client used 1.0 % of one core (≤ 5 %, the agent's idle counter)");
  });

  it("fails a loop that never waits, with the phase's figures by the device's own clock", () => {
    const r = judge([...phases(1_000, 16_000), ...beats(1_000, 16_000, 0)]);
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toBe("idle 1.000 s–16.000 s: 14500 ms of CPU in 14500 ms = 100.0 % > 5 % (the agent's idle counter): it spins instead of sleeping");
    expect(r.evidence[0]!.charged).toBe("client");
  });

  it("measures by the device's clock: a host that reads a burst of beats late changes nothing", () => {
    // The host reads beats 4–8 s in one burst at 8 s; the device wrote them 500 ms apart.
    const late = (t: number) => (t >= 4_000 && t < 8_000 ? 8_000 - t : 0);
    const p = phaseCpu(sortByT([...phases(1_000, 16_000), ...beats(1_000, 16_000, 490, { hostLate: late })])).find((x) => x.name === "idle")!;
    expect(p.source).toBe("agent");
    expect(p.percent).toBeCloseTo(2, 5);
  });

  it("starts the pairs again after a soft reset: a counter that goes back is a new agent, not negative CPU", () => {
    const events = [...phases(0, 20_000), ...beats(0, 10_000, 490, { idleFrom: 50_000 }), ev(10_100, "device", "hello", { device: "dev1" }), ...beats(10_200, 20_000, 490, { devOffset: -9_000 })];
    const p = phaseCpu(sortByT(events)).find((x) => x.name === "idle")!;
    expect(p.agent!.percent).toBeCloseTo(2, 5);
    expect(p.agent!.wallMs).toBe(9_500 + 9_500);
  });

  it("is unknown, not pass, when the heartbeats carry no counter (an asyncio without IOQueue)", () => {
    const events = [...phases(1_000, 16_000), ...beats(1_000, 16_000, 0).map((e) => ({ ...e, idleMs: undefined }))];
    const r = judge(events);
    expect(r.verdict).toBe("unknown");
    expect(r.summary).toMatch(/^the idle phase has 0 ms of CPU readings: too few to judge/);
  });
});

describe("idleCpu on the unix device: the process's accounting judges, the agent's counter stands beside it", () => {
  it("judges by /proc samples and shows the agent's figure as the cross-check", () => {
    const cpu: TimelineEvent[] = [];
    for (let t = 1_000, ms = 100; t <= 16_000; t += 1_000, ms += 2) cpu.push(ev(t, "device", "cpu", { device: "dev1", cpuMs: ms }));
    const r = judge([...phases(1_000, 16_000), ...cpu, ...beats(1_000, 16_000, 499)]);
    expect(r.verdict).toBe("pass");
    expect(r.summary).toContain("the process's CPU accounting");
    expect(r.evidence[0]!.text).toBe("idle 1.000 s–16.000 s: 30 ms of CPU in 15000 ms = 0.2 % of one core (the process's CPU accounting); the agent's idle counter: 0.2 %");
  });
});
