import { describe, expect, it } from "vitest";
import { memoryBounded } from "../../src/checks/memoryBounded.ts";
import { ctx, ev } from "./helpers.ts";

const judge = (events: ReturnType<typeof ev>[], max?: number) => memoryBounded(max).judge(events, ctx());
/** One outage cycle: up at t, a reading 100 ms later, down 1 s later. */
const cycle = (t: number, free: number) => [ev(t, "device", "up"), ev(t + 100, "device", "mem", { free, alloc: 1 }), ev(t + 1_000, "device", "down")];

describe("memoryBounded", () => {
  it("passes when free heap after each reconnect holds steady", () => {
    const r = judge([...cycle(0, 80_000), ...cycle(10_000, 79_000), ...cycle(20_000, 80_500)]);
    expect(r.verdict).toBe("pass");
    expect(r.summary).toContain("not steadily falling");
  });

  it("passes a steady fall that stays within the bound", () => {
    expect(judge([...cycle(0, 80_000), ...cycle(10_000, 78_000), ...cycle(20_000, 76_000)]).verdict).toBe("pass");
  });

  it("fails when free heap falls at every reconnect by more than the bound", () => {
    const r = judge([...cycle(0, 80_000), ...cycle(10_000, 74_000), ...cycle(20_000, 68_000), ...cycle(30_000, 60_000)]);
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toBe("free heap 80000 B at 0.100 s → 60000 B at 30.100 s, lower after each reconnect: −20000 B > bound 8000 B = max(4096 B, 10 % of 80000 B)");
    expect(r.evidence[0]!.charged).toBe("client");
    expect(r.evidence[1]!.text).toBe("free 80000 B at 0.100 s (up at 0.000 s)");
  });

  it("compares readings within one device process: a power cycle starts a fresh heap", () => {
    const reboot = [ev(25_000, "device", "exit", { signal: "SIGKILL" }), ev(26_000, "device", "hello")];
    const leakThenReboot = [...cycle(0, 80_000), ...cycle(10_000, 74_000), ...cycle(20_000, 68_000), ...reboot, ...cycle(30_000, 81_000)];
    expect(judge(leakThenReboot).verdict).toBe("fail");
    const acrossReboots = [...cycle(0, 80_000), ...cycle(10_000, 74_000), ...reboot, ...cycle(30_000, 68_000)];
    expect(judge(acrossReboots).verdict).toBe("unknown");
  });

  it("takes an explicit bound", () => {
    expect(judge([...cycle(0, 80_000), ...cycle(10_000, 78_000), ...cycle(20_000, 76_000)], 1_000).verdict).toBe("fail");
  });

  it("compares quiet points only: readings during an outage do not count", () => {
    const events = [...cycle(0, 80_000), ev(1_500, "device", "mem", { free: 20_000 }), ...cycle(10_000, 80_000), ...cycle(20_000, 80_000)];
    expect(judge(events).verdict).toBe("pass");
  });

  it("cannot decide with fewer than 3 readings, fewer than 3 quiet points, or no heap figure", () => {
    expect(judge([]).verdict).toBe("unknown");
    expect(judge([...cycle(0, 80_000), ...cycle(10_000, 70_000)]).verdict).toBe("unknown");
    const noQuiet = [ev(0, "device", "up"), ...[1, 2, 3].map((i) => ev(i * 100, "device", "mem", { free: 80_000 - i * 9_000 }))];
    const r = judge(noQuiet);
    expect(r.verdict).toBe("unknown");
    expect(r.summary).toContain("only 1 at a quiet point after an up in one device process");
    expect(judge([...cycle(0, 0), ...cycle(10_000, 0), ...cycle(20_000, 0)]).verdict).toBe("unknown");
  });
});

describe("memoryBounded: a large overall loss", () => {
  it("fails a 92 % loss even though the heap rose once on the way (60000 → 40000 → 41000 → 20000 → 5000 B)", () => {
    const history = [60_000, 40_000, 41_000, 20_000, 5_000].flatMap((free, i) => cycle(i * 10_000, free));
    const r = judge(history);
    expect(r.verdict).toBe("fail");
    expect(r.summary).toBe("free heap lost overall across 5 reconnects: 60000 B → 5000 B (−55000 B > 15000 B = max(8192 B, 25 % of 60000 B))");
    expect(r.evidence[0]!.text).toBe("free heap 60000 B at 0.100 s → 5000 B at 40.100 s: −55000 B (92 %) not given back, > bound 15000 B = max(8192 B, 25 % of 60000 B)");
    expect(r.evidence[0]!.charged).toBe("client");
  });

  it("still fails the steady fall at every reconnect (60000 → 40000 → 20000 → 5000 B)", () => {
    const r = judge([60_000, 40_000, 20_000, 5_000].flatMap((free, i) => cycle(i * 10_000, free)));
    expect(r.verdict).toBe("fail");
    expect(r.summary).toMatch(/^free heap fell at every one of 4 reconnects/);
  });

  it("passes a dip that is given back, and an uneven path that ends within the overall bound", () => {
    expect(judge([60_000, 30_000, 59_000, 58_500].flatMap((free, i) => cycle(i * 10_000, free))).verdict).toBe("pass");
    expect(judge([60_000, 52_000, 55_000, 47_000].flatMap((free, i) => cycle(i * 10_000, free))).verdict).toBe("pass");
  });
});
