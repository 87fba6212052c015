import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baselineName, baselineWriteCommand, compareCommand, gateInvocation, mergeCommand, readRunSet, shardSelection } from "../../src/gate/commands.ts";
import { readBaseline, REASON_PLACEHOLDER } from "../../src/gate/baseline.ts";
import { readResultsFile, writeResults, writeRunResult } from "../../src/report/results.ts";
import { firstSchemaError } from "../../src/report/schema.ts";
import type { RunResult } from "../../src/report/run.ts";
import type { CheckVerdict } from "../../src/checks/check.ts";
import type { RunVerdict } from "../../src/checks/verdict.ts";

function run(scenario: string, checks: Record<string, CheckVerdict>, over: Partial<RunResult> = {}): RunResult {
  const cs = Object.entries(checks).map(([name, verdict]) => ({ name, verdict, summary: `${name} ${verdict}`, evidence: [{ t: 1000, text: `${name} at 1.000 s` }] }));
  const verdict: RunVerdict = cs.some((c) => c.verdict === "fail") ? "fail" : "pass";
  return { id: `${scenario}.fixture.v3.1.1.mosquitto`, scenario, title: scenario, client: "fixture", clientRevision: "local folder", device: "unix", protocol: "3.1.1", broker: "mosquitto", brokerDurable: true, seed: 3, verdict, startedAt: "2026-12-02T05:16:46.000Z", durationMs: 20_000, checks: cs, dir: "", ...over };
}

function saveInvocation(runs: RunResult[], parent?: string, name?: string): string {
  const dir = parent ? join(parent, name!) : mkdtempSync(join(tmpdir(), "faraday-cmd-"));
  if (parent) mkdirSync(dir);
  const copies = runs.map((r) => ({ ...r, dir: join(dir, r.id) }));
  for (const r of copies) {
    mkdirSync(r.dir);
    writeFileSync(join(r.dir, "timeline.jsonl"), JSON.stringify({ t: 0, src: "lab", kind: "scenario.end" }) + "\n");
    writeRunResult(r.dir, r);
  }
  writeResults(dir, { faraday: "0.1.0+test", command: "faraday run --suite resilience", seed: 3, startedAt: "2026-12-02T051646", runs: copies });
  return dir;
}

const v1 = [
  run("broker-crash", { reconnectsWithin: "fail", noUncaughtErrors: "pass" }),
  run("partition", { reconnectsWithin: "pass", noUncaughtErrors: "pass" }),
  run("latency", { reconnectsWithin: "pass", noUncaughtErrors: "pass" }),
];
/** The second revision: one more bug. */
const v2 = v1.map((r) => (r.scenario === "partition" ? run("partition", { reconnectsWithin: "pass", noUncaughtErrors: "fail" }) : r));

describe("the gate's commands, as the CLI will call them", () => {
  it("baseline write, then gate the same runs (exit 0, known: 1) and a worse revision (exit 1, naming exactly the new failure)", () => {
    const work = mkdtempSync(join(tmpdir(), "faraday-gate-"));
    const file = join(work, "faraday-baseline.json");
    const w = baselineWriteCommand([saveInvocation(v1)], file);
    expect(w.exit).toBe(0);
    expect(w.lines[0]).toBe(`faraday: baseline of 3 cell(s), 6 check(s), 1 known failure(s) → ${file}`);
    expect(w.lines[1]).toMatch(/1 known failure\(s\) have no reason yet/);
    // A person writes the reason; a rewrite keeps it.
    writeFileSync(file, readFileSync(file, "utf8").replace(REASON_PLACEHOLDER, "docs/findings.md 1"));
    expect(baselineWriteCommand([saveInvocation(v1)], file).lines).toEqual([`faraday: baseline of 3 cell(s), 6 check(s), 1 known failure(s), reasons kept from the previous file → ${file}`]);
    const baseline = readBaseline(file);

    const same = saveInvocation(v1);
    const g1 = gateInvocation(same, readResultsFile(same), baseline, file);
    expect(g1.exit).toBe(0);
    expect(g1.lines[0]).toMatch(/^gate \(faraday-baseline\.json\): new failures: 0, known: 1, .* — exit 0$/);

    const worse = saveInvocation(v2);
    const g2 = gateInvocation(worse, readResultsFile(worse), baseline, "ci/faraday-baseline.json", { junitName: "faraday resilience" });
    expect(g2.exit).toBe(1);
    expect(g2.lines).toEqual([
      "gate (ci/faraday-baseline.json): new failures: 1, known: 1, fixed: 0, new passes: 0, new cells: 0, vanished: 0, not judged: 0 — exit 1",
      "  NEW FAILURE  partition.fixture.v3.1.1.mosquitto  noUncaughtErrors: now fail, baseline pass",
    ]);
    // results.json keeps the gate (and still validates), junit.xml shows the classes.
    const saved = JSON.parse(readFileSync(join(worse, "results.json"), "utf8"));
    expect(firstSchemaError("results", saved)).toBeUndefined();
    expect(saved.gate).toMatchObject({ baseline: "ci/faraday-baseline.json", exit: 1, counts: { "new-failure": 1, known: 1, pass: 4 } });
    expect(saved.gate.checks).toEqual([
      { cell: "broker-crash.fixture.v3.1.1.mosquitto", check: "reconnectsWithin", class: "known", now: "fail", baseline: "fail", reason: "docs/findings.md 1" },
      { cell: "partition.fixture.v3.1.1.mosquitto", check: "noUncaughtErrors", class: "new-failure", now: "fail", baseline: "pass" },
    ]);
    // Each run carries its class, for the report's filter.
    expect(saved.runs.map((r: { id: string; baseline: { class: string } }) => [r.id, r.baseline.class])).toEqual([
      ["broker-crash.fixture.v3.1.1.mosquitto", "known"],
      ["partition.fixture.v3.1.1.mosquitto", "new-failure"],
      ["latency.fixture.v3.1.1.mosquitto", "pass"],
    ]);
    const junit = readFileSync(join(worse, "junit.xml"), "utf8");
    expect(junit).toContain('<skipped message="known failure (baseline): reconnectsWithin"/>');
    expect(junit).toContain('<property name="baseline.noUncaughtErrors" value="new-failure"/>');
    expect(junit).toContain('failures="1" errors="0" skipped="1"');
  });

  it("merge shards (a CI artifact folder), gate the whole; compare two revisions", () => {
    const work = mkdtempSync(join(tmpdir(), "faraday-ci-"));
    const file = join(work, "faraday-baseline.json");
    baselineWriteCommand([saveInvocation(v1)], file);
    const artifacts = join(work, "artifacts");
    mkdirSync(artifacts);
    const ids = v2.map((r) => r.id);
    for (const i of [1, 2]) saveInvocation(shardSelection(v2, (r) => r.id, `${i}/2`), artifacts, `shard-${i}`);
    symlinkSync("shard-1", join(artifacts, "latest")); // links are not read twice
    expect(readRunSet([artifacts]).map((r) => r.id).sort()).toEqual([...ids].sort());
    const m = mergeCommand([join(artifacts, "shard-1"), join(artifacts, "shard-2")], join(work, "merged"), { baseline: file });
    expect(m.exit).toBe(1);
    expect(m.lines[0]).toMatch(/^faraday: merged 3 run\(s\) from 2 input\(s\): /);
    expect(m.lines[1]).toMatch(/^gate \(faraday-baseline\.json\): new failures: 1, known: 1/);
    const merged = JSON.parse(readFileSync(join(work, "merged", "results.json"), "utf8"));
    expect(merged.command).toBe("faraday report merge shard-1 shard-2");
    expect(merged.gate.vanished).toEqual([]);
    expect(mergeCommand([join(artifacts, "shard-1"), join(artifacts, "shard-2")], join(work, "merged2")).exit).toBe(1);

    const c = compareCommand([saveInvocation(v1)], [artifacts]);
    expect(c.exit).toBe(1);
    expect(c.lines[1]).toBe("  new failure  partition.fixture.v3.1.1.mosquitto  noUncaughtErrors: pass → fail — noUncaughtErrors fail");
  });

  it("shardSelection: each item in one shard, balanced by a previous results file", () => {
    const many = Array.from({ length: 9 }, (_, i) => run(`s${i}`, { a: "pass" }, { durationMs: (i + 1) * 1000 }));
    const prev = saveInvocation(many);
    const parts = [1, 2, 3].map((i) => shardSelection(many, (r) => r.id, `${i}/3`, prev));
    expect(parts.flat().map((r) => r.id).sort()).toEqual(many.map((r) => r.id).sort());
    const loads = parts.map((p) => p.reduce((s, r) => s + r.durationMs, 0));
    // Longest first into the lightest: 9 | 8 | 7, then 6, 5, 4, 3, 2, 1 → 16 s, 15 s, 14 s (of 45 s).
    expect(loads).toEqual([16_000, 15_000, 14_000]);
    expect(() => shardSelection(many, (r) => r.id, "4/3")).toThrow(/--shard wants i\/n/);
  });

  it("the baseline's name in results.json is never an absolute path", () => {
    expect(baselineName("/home/me/client/faraday-baseline.json")).toBe("faraday-baseline.json");
    expect(baselineName("./ci//faraday-baseline.json")).toBe("ci/faraday-baseline.json");
  });
});
