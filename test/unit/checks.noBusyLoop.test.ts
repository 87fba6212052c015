import { describe, expect, it } from "vitest";
import { noBusyLoop } from "../../src/checks/noBusyLoop.ts";
import { ctx, ev, sortByT } from "./helpers.ts";

const judge = (events: ReturnType<typeof ev>[], max?: number) => noBusyLoop(max).judge(sortByT(events), ctx());
/** Heartbeats every 500 ms in [from, to), host and device clocks together. */
const beats = (from: number, to: number, devOffset = 0) => {
  const out = [];
  for (let t = from; t < to; t += 500) out.push(ev(t, "device", "hb", { dt_dev: t + devOffset }));
  return out;
};
const crash = [ev(2_000, "fault", "start", { id: "c1", fault: "brokerCrash" }), ev(8_000, "fault", "end", { id: "c1", fault: "brokerCrash" })];
const stop = ev(12_000, "lab", "device.stopping");

describe("noBusyLoop", () => {
  it("passes when heartbeats keep coming through the outage", () => {
    const r = judge([...beats(0, 12_000), ...crash, stop]);
    expect(r.verdict).toBe("pass");
    expect(r.summary).toContain("longest 500 ms ≤ 2000 ms");
  });

  it("fails with the longest gap and when, while the link was down", () => {
    const r = judge([...beats(0, 3_000), ...beats(7_500, 12_000), ...crash, stop]);
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toBe(
      "longest heartbeat gap 5000 ms, 2.500 s–7.500 s, while brokerCrash was in effect (2.000 s–8.000 s): > 2000 ms, the client starved the agent's event loop",
    );
    expect(r.evidence[0]!.charged).toBe("client");
  });

  it("judges the client's own down…up period as well as fault spans", () => {
    const events = [...beats(0, 3_000), ...beats(7_500, 12_000), ev(2_200, "device", "down"), ev(9_000, "device", "up"), stop];
    expect(judge(events).evidence[0]!.text).toContain("while the client was down (2.200 s–9.000 s)");
  });

  it("fails a device that stops beating for the rest of the outage", () => {
    const r = judge([...beats(0, 2_500), ...crash, stop]);
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toContain("2.000 s–12.000 s");
  });

  it("ignores a stall outside any outage, and a stall only of the host (the device's clock kept time)", () => {
    expect(judge([...beats(0, 1_000), ...beats(6_000, 12_000), ...crash.map((e) => ({ ...e, t: e.t + 8_000 })), stop]).verdict).toBe("pass");
    // The host read five beats late in one go: host gap 3 s, device clock gap 500 ms.
    const hostStall = [...beats(0, 3_000), ev(6_000, "device", "hb", { dt_dev: 3_000 }), ...beats(6_010, 12_000, -3_010 + 500), ...crash, stop];
    expect(judge(hostStall).verdict).toBe("pass");
  });

  it("does not count a power cycle's dark time as a stall", () => {
    const cycle = [
      ev(2_000, "fault", "start", { id: "p1", fault: "powerCycle" }),
      ev(2_100, "lab", "device.power", { on: false }),
      ev(2_110, "device", "exit", { signal: "SIGKILL" }),
      ev(7_000, "lab", "device.power", { on: true }),
      ev(7_400, "device", "hello"),
      ev(8_000, "fault", "end", { id: "p1", fault: "powerCycle" }),
    ];
    // The new process's ticks start again near 0.
    expect(judge([...beats(0, 2_100), ...beats(7_500, 12_000, -7_400), ...cycle, stop]).verdict).toBe("pass");
    // …while the restarted process is still judged.
    const stalled = judge([...beats(0, 2_100), ...beats(7_500, 7_600, -7_400), ...beats(10_500, 12_000, -7_400), ...cycle, stop]);
    expect(stalled.verdict).toBe("fail");
    expect(stalled.evidence[0]!.text).toContain("3000 ms, 7.500 s–10.500 s");
  });

  it("takes an explicit bound", () => {
    expect(judge([...beats(0, 3_000), ...beats(4_000, 12_000), ...crash, stop], 1_000).verdict).toBe("fail");
  });

  it("cannot decide without heartbeats or without an outage", () => {
    expect(judge([]).verdict).toBe("unknown");
    expect(judge([...crash, stop]).verdict).toBe("unknown");
    expect(judge([...beats(0, 12_000), stop]).verdict).toBe("unknown");
  });
});
