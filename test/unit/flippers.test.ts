import { describe, expect, it } from "vitest";
import { flips, flipTable } from "../../scripts/flippers.ts";
import type { RunResult } from "../../src/report/run.ts";

const run = (k: number, verdict: RunResult["verdict"], checks: [string, "pass" | "fail" | "unknown"][], over: Partial<RunResult> = {}): RunResult => ({
  id: k === 1 ? "s.c.v3.1.1.mosquitto" : `s.c.v3.1.1.mosquitto.r${k}`,
  scenario: "s",
  title: "t",
  client: "c",
  clientRevision: "1",
  device: "unix",
  protocol: "3.1.1",
  broker: "mosquitto",
  brokerDurable: true,
  seed: 7,
  verdict,
  startedAt: "2026-12-02T00:00:00Z",
  durationMs: 1,
  checks: checks.map(([name, v]) => ({ name, verdict: v, summary: `${name} ${v} in run ${k}`, evidence: [] })),
  dir: ".",
  ...over,
});

describe("flippers", () => {
  it("lists a check that failed in some repeats but not all, with its rate and first failure; a steady failure is no flip", () => {
    const runs = [
      run(1, "pass", [["a", "pass"], ["b", "fail"]]),
      run(2, "fail", [["a", "fail"], ["b", "fail"]]),
      run(3, "pass", [["a", "unknown"], ["b", "fail"]]),
      run(4, "fail", [["a", "fail"], ["b", "fail"]]),
    ];
    expect(flips(runs)).toEqual([{ cell: "s.c.v3.1.1.mosquitto", check: "a", failed: 2, of: 3, first: { run: "s.c.v3.1.1.mosquitto.r2", summary: "a fail in run 2" } }]);
  });

  it("counts runs the lab broke in as a lab flip, and leaves their checks out", () => {
    const runs = [run(1, "pass", [["a", "pass"]]), run(2, "error", [["a", "fail"]], { reason: "mosquitto died" })];
    expect(flips(runs)).toEqual([{ cell: "s.c.v3.1.1.mosquitto", check: "(lab error)", failed: 1, of: 2, first: { run: "s.c.v3.1.1.mosquitto.r2", summary: "mosquitto died" } }]);
  });

  it("writes a markdown table, escaping pipes", () => {
    const t = flipTable([{ cell: "x", check: "a", failed: 1, of: 5, first: { run: "x.r2", summary: "a | b" } }], { cells: 1, runs: 5, sources: ["`faraday run x`"] });
    expect(t).toContain("| x | a | 1/5 | x.r2: a \\| b |");
    expect(flipTable([], { cells: 1, runs: 5, sources: [] })).toContain("No check flipped.");
  });
});
