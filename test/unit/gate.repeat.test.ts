import { describe, expect, it } from "vitest";
import { repeatId, repeatLines, repeatSeed, tallyWord } from "../../src/gate/repeat.ts";
import { durationsOf } from "../../src/gate/shard.ts";
import { junitXml } from "../../src/report/junit.ts";
import type { RunResult } from "../../src/report/run.ts";
import type { CheckVerdict } from "../../src/checks/check.ts";
import type { RunVerdict } from "../../src/checks/verdict.ts";

const CELL = "v3-retain-set.flaky.v3.1.1.mosquitto";

/** Repeat k of the cell, with checks given as name → verdict. */
function rep(k: number, checks: Record<string, CheckVerdict>, over: Partial<RunResult> = {}): RunResult {
  const cs = Object.entries(checks).map(([name, verdict]) => ({ name, verdict, summary: `${name} ${verdict} in run ${k}`, evidence: [{ t: 1000, text: `evidence of run ${k}` }] }));
  const verdict: RunVerdict = cs.some((c) => c.verdict === "fail") ? "fail" : "pass";
  return { id: repeatId(CELL, k), scenario: "v3-retain-set", title: "", client: "flaky", clientRevision: "", device: "unix", protocol: "3.1.1", broker: "mosquitto", brokerDurable: true, seed: 100 + k - 1, verdict, startedAt: "", durationMs: 1000 * k, checks: cs, dir: "", ...over };
}

describe("--repeat: ids, seeds and the summary", () => {
  it("repeat 1 is the cell itself, repeat k its <cell>.r<k>; seeds fresh per repeat unless --seed fixed them", () => {
    expect([1, 2, 10].map((k) => repeatId(CELL, k))).toEqual([CELL, `${CELL}.r2`, `${CELL}.r10`]);
    expect([1, 2, 3].map((k) => repeatSeed(7, k, false))).toEqual([7, 8, 9]);
    expect([1, 2, 3].map((k) => repeatSeed(7, k, true))).toEqual([7, 7, 7]);
  });

  it("a check failing in some repeats is fail (intermittent k/N), with each failure's run, seed and evidence", () => {
    const runs = [1, 2, 3, 4, 5].map((k) => rep(k, { delivered: k === 2 || k === 5 ? "fail" : "pass", connackReceived: "pass" }));
    expect(repeatLines(runs, 5)).toEqual([
      "faraday: 5 repeats of 1 cell(s) — per check, how often it failed:",
      `  ${CELL}: fail (intermittent 2/5)`,
      "    delivered: fail (intermittent 2/5)",
      "      run 2 (seed 101): delivered fail in run 2",
      "        evidence of run 2",
      "      run 5 (seed 104): delivered fail in run 5",
      "        evidence of run 5",
    ]);
  });

  it("a steady failure reads fail (N/N), a steady pass pass (N/N); a broken repeat is named, not judged", () => {
    const runs = [
      rep(1, { delivered: "fail" }),
      rep(2, { delivered: "fail" }),
      rep(3, { delivered: "pass" }, { verdict: "error", reason: "mosquitto died" }),
    ];
    expect(repeatLines(runs, 3)).toEqual([
      "faraday: 3 repeats of 1 cell(s) — per check, how often it failed:",
      `  ${CELL}: fail (2/2); 1 more not judged`,
      "    delivered: fail (2/2)",
      "      run 1 (seed 100): delivered fail in run 1",
      "        evidence of run 1",
      "      run 2 (seed 101): delivered fail in run 2",
      "        evidence of run 2",
      "    run 3 (seed 102): error — mosquitto died (not judged)",
    ]);
    expect(tallyWord({ name: "x", failed: 0, passed: 4, unknown: 0 })).toBe("pass (4/4)");
    expect(repeatLines([rep(1, { delivered: "pass" }), rep(2, { delivered: "pass" })], 2)[1]).toBe(`  ${CELL}: pass (2/2)`);
  });

  it("repeats weigh as their cell when shards are balanced, and stay apart in junit.xml", () => {
    const runs = [1, 2, 3].map((k) => rep(k, { delivered: "pass" }));
    expect(durationsOf(runs)).toEqual(new Map([[CELL, 2000]]));
    const names = [...junitXml(runs).matchAll(/<testcase classname="[^"]*" name="([^"]*)"/g)].map((m) => m[1]);
    expect(names).toEqual(["flaky v3.1.1 mosquitto (unix)", "flaky v3.1.1 mosquitto (unix) r2", "flaky v3.1.1 mosquitto (unix) r3"]);
  });
});
