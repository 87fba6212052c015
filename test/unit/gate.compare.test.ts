import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareExit, compareLines, compareRuns } from "../../src/gate/compare.ts";
import { readRunSet } from "../../src/gate/commands.ts";
import { writeResults, writeRunResult } from "../../src/report/results.ts";
import type { RunResult } from "../../src/report/run.ts";
import type { CheckVerdict } from "../../src/checks/check.ts";
import type { RunVerdict } from "../../src/checks/verdict.ts";

function run(scenario: string, checks: Record<string, CheckVerdict>, over: Partial<RunResult> = {}): RunResult {
  const cs = Object.entries(checks).map(([name, verdict]) => ({ name, verdict, summary: `${name} ${verdict} in ${scenario}`, evidence: [] }));
  const verdict: RunVerdict = cs.some((c) => c.verdict === "fail") ? "fail" : cs.some((c) => c.verdict === "unknown") ? "unknown" : "pass";
  const protocol = over.protocol ?? "3.1.1";
  return { id: `${scenario}.aiomqttc.v${protocol}.mosquitto`, scenario, title: scenario, client: "aiomqttc", clientRevision: "PyPI 1.0.7", device: "unix", protocol, broker: "mosquitto", brokerDurable: true, seed: 1, verdict, startedAt: "2026-12-02T05:16:46.000Z", durationMs: 20_000, checks: cs, dir: "", ...over };
}

/** A saved invocation, as `faraday run` leaves one: results.json and a folder per run. */
function saved(runs: RunResult[]): string {
  const dir = mkdtempSync(join(tmpdir(), "faraday-compare-"));
  for (const r of runs) {
    r.dir = join(dir, r.id);
    mkdirSync(r.dir);
    writeRunResult(r.dir, r);
  }
  writeResults(dir, { faraday: "0.1.0+test", command: "faraday run --suite resilience", seed: 1, startedAt: "2026-12-02T051646", runs });
  return dir;
}

describe("report compare: what changed between two saved runs", () => {
  const before = [
    run("broker-crash", { noLostAcknowledged: "pass", noUncaughtErrors: "pass" }),
    run("partition", { reconnectsWithin: "fail", noUncaughtErrors: "pass" }),
    run("latency", { reconnectsWithin: "pass" }, { durationMs: 10_000 }),
    run("reset", { reconnectsWithin: "pass" }),
    run("v5-retain", {}, { protocol: "5", verdict: "unsupported", reason: "declared" }),
  ];
  const after = [
    // The planted flip: broker-crash passed before and fails now.
    run("broker-crash", { noLostAcknowledged: "pass", noUncaughtErrors: "fail" }),
    run("partition", { reconnectsWithin: "pass", noUncaughtErrors: "pass" }),
    run("latency", { reconnectsWithin: "pass" }, { durationMs: 31_000 }),
    run("power-cycle", { reconnectsWithin: "pass" }),
    run("v5-retain", { delivered: "pass" }, { protocol: "5" }),
  ];

  it("lists the planted flip as a new failure and a flip, and every other change", () => {
    const c = compareRuns(readRunSet([saved(before)]), readRunSet([join(saved(after), "results.json")]));
    expect(c.newFailures).toEqual([{ cell: "broker-crash.aiomqttc.v3.1.1.mosquitto", check: "noUncaughtErrors", a: "pass", b: "fail", summary: "noUncaughtErrors fail in broker-crash" }]);
    expect(c.fixes).toEqual([{ cell: "partition.aiomqttc.v3.1.1.mosquitto", check: "reconnectsWithin", a: "fail", b: "pass" }]);
    expect(c.flips).toEqual([
      { cell: "broker-crash.aiomqttc.v3.1.1.mosquitto", a: "pass", b: "fail" },
      { cell: "partition.aiomqttc.v3.1.1.mosquitto", a: "fail", b: "pass" },
      { cell: "v5-retain.aiomqttc.v5.mosquitto", a: "unsupported", b: "pass" },
    ]);
    expect(c.appeared).toEqual(["power-cycle.aiomqttc.v3.1.1.mosquitto"]);
    expect(c.vanished).toEqual(["reset.aiomqttc.v3.1.1.mosquitto"]);
    expect(c.drifted).toEqual([{ scenario: "latency", aMs: 10_000, bMs: 31_000, deltaMs: 21_000, ratio: 2.1, runsA: 1, runsB: 1 }]);
    expect(c.drift.map((d) => d.scenario)).toEqual(["latency", "broker-crash", "partition", "v5-retain"]);
    expect(compareExit(c)).toBe(1);
    expect(compareLines(c, { a: "v1", b: "v2" })).toEqual([
      "compare v1 (5 runs, 5 cells) → v2 (5 runs, 5 cells): new failures: 1, fixes: 1, other changes: 0, flips: 3, appeared: 1, vanished: 1, duration drift: 1",
      "  new failure  broker-crash.aiomqttc.v3.1.1.mosquitto  noUncaughtErrors: pass → fail — noUncaughtErrors fail in broker-crash",
      "  fixed        partition.aiomqttc.v3.1.1.mosquitto  reconnectsWithin: fail → pass",
      "  flip         broker-crash.aiomqttc.v3.1.1.mosquitto: pass → fail",
      "  flip         partition.aiomqttc.v3.1.1.mosquitto: fail → pass",
      "  flip         v5-retain.aiomqttc.v5.mosquitto: unsupported → pass",
      "  appeared     power-cycle.aiomqttc.v3.1.1.mosquitto",
      "  vanished     reset.aiomqttc.v3.1.1.mosquitto",
      "  drift        latency: 10.0 s → 31.0 s (+210 %)",
    ]);
  });

  it("the same runs compare to nothing; sets of files join (shards), repeats read as rates", () => {
    const same = compareRuns(before, before);
    expect([same.newFailures, same.fixes, same.changed, same.flips, same.appeared, same.vanished, same.drifted].every((x) => x.length === 0)).toBe(true);
    expect(compareExit(same)).toBe(0);
    const shards = readRunSet([saved(before.slice(0, 2)), saved(before.slice(2))]);
    expect(compareRuns(shards, before).flips).toEqual([]);
    const repeats = [0, 1, 2, 3, 4].map((i) => run("broker-crash", { noLostAcknowledged: "pass", noUncaughtErrors: i < 2 ? "fail" : "pass" }));
    const c = compareRuns(before, repeats);
    expect(c.newFailures).toEqual([{ cell: "broker-crash.aiomqttc.v3.1.1.mosquitto", check: "noUncaughtErrors", a: "pass", b: "2/5", summary: "noUncaughtErrors fail in broker-crash" }]);
    const steadier = compareRuns(repeats, [...repeats, ...repeats.slice(0, 2)]);
    expect(steadier.changed).toEqual([{ cell: "broker-crash.aiomqttc.v3.1.1.mosquitto", check: "noUncaughtErrors", a: "2/5", b: "4/7", summary: "noUncaughtErrors fail in broker-crash" }]);
  });

  it("a run that broke flips the cell, and its checks are not compared", () => {
    const broke = before.map((r) => (r.scenario === "partition" ? { ...r, verdict: "error" as const, labBreak: { t: 5, reason: "mosquitto died" } } : r));
    const c = compareRuns(before, broke);
    expect(c.flips).toEqual([{ cell: "partition.aiomqttc.v3.1.1.mosquitto", a: "fail", b: "error" }]);
    expect(c.fixes).toEqual([]);
    expect(c.changed).toEqual([]);
  });
});
