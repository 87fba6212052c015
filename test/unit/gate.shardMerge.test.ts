import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { durationsOf, parseShard, shard, shards } from "../../src/gate/shard.ts";
import { mergeResults, writeMerged } from "../../src/gate/merge.ts";
import { readResultsFile, writeResults, writeRunResult, type ResultsFile } from "../../src/report/results.ts";
import type { RunResult } from "../../src/report/run.ts";
import type { CheckVerdict } from "../../src/checks/check.ts";
import type { RunVerdict } from "../../src/checks/verdict.ts";
import { firstSchemaError } from "../../src/report/schema.ts";

function run(scenario: string, protocol: "3.1.1" | "5", broker: string, checks: Record<string, CheckVerdict>, over: Partial<RunResult> = {}): RunResult {
  const cs = Object.entries(checks).map(([name, verdict]) => ({ name, verdict, summary: `${name} ${verdict}`, evidence: [{ t: 1000, text: `${name} at 1.000 s` }] }));
  const verdict: RunVerdict = cs.some((c) => c.verdict === "fail") ? "fail" : cs.some((c) => c.verdict === "unknown") ? "unknown" : "pass";
  return { id: `${scenario}.mqtt_as.v${protocol}.${broker}`, scenario, title: scenario, client: "mqtt_as", clientRevision: "7b6a11d", device: "unix", protocol, broker, brokerDurable: true, seed: 7, verdict, startedAt: "2026-12-02T05:16:46.000Z", durationMs: 20_000, checks: cs, dir: "", ...over };
}

/** A hand-built results set: resilience and compliance cells, every verdict, durations from 0 (not run) to 90 s. */
const SET: RunResult[] = [
  run("broker-crash", "3.1.1", "mosquitto", { noLostAcknowledged: "pass", reconnectsWithin: "fail", noUncaughtErrors: "fail" }, { durationMs: 45_000 }),
  run("broker-crash", "5", "mosquitto", { noLostAcknowledged: "pass", reconnectsWithin: "pass" }, { durationMs: 30_000 }),
  run("broker-crash", "5", "aedes", { noLostAcknowledged: "fail", reconnectsWithin: "pass" }, { durationMs: 31_000 }),
  run("partition", "3.1.1", "mosquitto", { reconnectsWithin: "pass", noUncaughtErrors: "pass" }, { durationMs: 60_000 }),
  run("partition", "5", "mosquitto", { reconnectsWithin: "unknown" }, { durationMs: 61_000 }),
  run("walk-out-of-range", "3.1.1", "mosquitto", { reconnectsWithin: "pass" }, { durationMs: 90_000 }),
  run("latency", "3.1.1", "mosquitto", { reconnectsWithin: "pass" }, { durationMs: 12_000 }),
  run("lossy-link", "3.1.1", "mosquitto", { reconnectsWithin: "fail" }, { verdict: "error", reason: "mosquitto died", labBreak: { t: 5000, reason: "mosquitto died" }, durationMs: 8_000 }),
  run("v5-retain", "5", "mosquitto", {}, { verdict: "unsupported", reason: "mqtt_as declares retain unsupported", durationMs: 0 }),
  run("v5-retain", "5", "mochi", {}, { verdict: "skip", reason: "mochi cannot run here", durationMs: 0 }),
  run("v3-qos2", "3.1.1", "mosquitto", { delivered: "pass" }, { feature: { id: "qos2", spec: "4.3.3", claim: "exactly once" }, durationMs: 5_000 }),
];

/** Save runs as `faraday run` leaves them: a folder per run (results.json, timeline.jsonl, client.log) and the invocation's results.json. */
function saveInvocation(runs: RunResult[], header: Partial<ResultsFile> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "faraday-shard-"));
  const copies = runs.map((r) => ({ ...r, dir: join(dir, r.id) }));
  for (const r of copies) {
    mkdirSync(r.dir);
    writeFileSync(join(r.dir, "timeline.jsonl"), [{ t: 0, src: "lab", kind: "run.start" }, { t: 10, src: "lab", kind: "scenario.end" }].map((e) => JSON.stringify(e)).join("\n") + "\n");
    writeFileSync(join(r.dir, "client.log"), `     0.001 s  ${r.id} says hello\n`);
    writeRunResult(r.dir, r);
  }
  writeResults(dir, { faraday: "0.1.0+test", command: "faraday run --suite resilience", seed: 7, startedAt: "2026-12-02T051646", runs: copies, ...header });
  return dir;
}

/** What scripts/verdicts.ts table compares: run id → run verdict and every check's verdict. */
const table = (f: ResultsFile) => Object.fromEntries(f.runs.map((r) => [r.id, { verdict: r.verdict, checks: Object.fromEntries(r.checks.map((c) => [c.name, c.verdict])) }]));

describe("--shard i/n", () => {
  const ids = SET.map((r) => r.id);

  it("parses i/n and refuses anything else in one line", () => {
    expect(parseShard("2/4")).toEqual({ index: 2, count: 4 });
    for (const bad of ["0/4", "5/4", "1/0", "a/b", "1", "1/2/3", "-1/2"]) expect(() => parseShard(bad)).toThrow(/--shard wants i\/n with 1 ≤ i ≤ n/);
  });

  it.each([1, 2, 3, 4, 7, 20])("n = %i: every id in exactly one shard, the same shards in any input order", (n) => {
    for (const d of [undefined, durationsOf(SET)]) {
      const all = shards(ids, n, d);
      expect(all).toHaveLength(n);
      expect(all.flat().sort()).toEqual([...ids].sort());
      expect(shards([...ids].reverse(), n, d).map((s) => [...s].sort())).toEqual(all.map((s) => [...s].sort()));
      for (let i = 1; i <= n; i++) expect(shard(ids, i, n, d)).toEqual(all[i - 1]);
    }
  });

  it("without durations, shard sizes differ by at most one; with them, the greedy longest-first balance", () => {
    const sizes = shards(ids, 3).map((s) => s.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    const d = durationsOf(SET);
    const loads = shards(ids, 3, d).map((s) => s.reduce((sum, id) => sum + (d.get(id) ?? 0), 0));
    // Longest-first into the lightest: no shard exceeds another by more than the longest run.
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(90_000);
    // The longest run and the next two go to different shards; without durations they need not.
    const withD = shards(ids, 3, d);
    const home = (id: string) => withD.findIndex((s) => s.includes(id));
    expect(new Set(["walk-out-of-range.mqtt_as.v3.1.1.mosquitto", "partition.mqtt_as.v5.mosquitto", "partition.mqtt_as.v3.1.1.mosquitto"].map(home)).size).toBe(3);
    // Ids without a duration (skipped, unsupported, new) weigh the mean of the known ones.
    expect(d.has("v5-retain.mqtt_as.v5.mosquitto")).toBe(false);
  });
});

describe("report merge", () => {
  const unshardedDir = saveInvocation(SET);
  const unsharded = readResultsFile(unshardedDir);

  it.each([1, 2, 3, 4])("merge(shard 1..%i) = the unsharded set's verdict table, with and without durations", (n) => {
    for (const d of [undefined, durationsOf(SET)]) {
      const dirs = shards(SET.map((r) => r.id), n, d).map((part) => saveInvocation(SET.filter((r) => part.includes(r.id))));
      const merged = mergeResults(dirs);
      expect(table(merged)).toEqual(table(unsharded));
      const out = join(mkdtempSync(join(tmpdir(), "faraday-merged-")), "merged");
      writeMerged(out, merged, { name: "faraday merge" });
      const written = readResultsFile(out);
      expect(table(written)).toEqual(table(unsharded));
      // One folder, whole: results.json (valid, dirs relative), junit.xml, report.html, every run's folder.
      const raw = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
      expect(firstSchemaError("results", raw)).toBeUndefined();
      expect(raw.runs.map((r: { dir: string }) => r.dir).sort()).toEqual(SET.map((r) => r.id).sort());
      expect(raw.merged).toHaveLength(n);
      expect(raw.merged.reduce((s: number, m: { runs: number }) => s + m.runs, 0)).toBe(SET.length);
      expect(raw.compliance).toEqual(JSON.parse(readFileSync(join(unshardedDir, "results.json"), "utf8")).compliance);
      for (const r of SET) expect(existsSync(join(out, r.id, "timeline.jsonl"))).toBe(true);
      const junit = readFileSync(join(out, "junit.xml"), "utf8");
      expect(junit).toContain(`tests="${SET.length}" failures="2" errors="2" skipped="2"`);
      expect(junit).toContain("broker-crash.mqtt_as.v3.1.1.mosquitto says hello</system-out>");
      expect(readFileSync(join(out, "report.html"), "utf8")).toMatch(/^<!DOCTYPE html>/);
    }
  });

  it("the same run twice is kept once; two different results for one id are refused in one line, unless told which wins", () => {
    const a = saveInvocation(SET.slice(0, 3));
    expect(mergeResults([a, a]).runs).toHaveLength(3);
    const flipped = SET.slice(0, 1).map((r) => ({ ...r, verdict: "pass" as const, checks: r.checks.map((c) => ({ ...c, verdict: "pass" as const })), startedAt: "2026-12-03T00:00:00.000Z" }));
    const b = saveInvocation(flipped);
    expect(() => mergeResults([a, b])).toThrow(/^run broker-crash\.mqtt_as\.v3\.1\.1\.mosquitto has two different results: fail in .* and pass in .* — say which wins \(--prefer first, last or newest\)$/);
    expect(mergeResults([a, b], { prefer: "first" }).runs[0]!.verdict).toBe("fail");
    expect(mergeResults([a, b], { prefer: "last" }).runs[0]!.verdict).toBe("pass");
    expect(mergeResults([b, a], { prefer: "newest" }).runs[0]!.verdict).toBe("pass");
    expect(mergeResults([b, a], { prefer: "last" }).runs[0]!.verdict).toBe("fail");
  });

  it("an input that is not a results file is one line naming it", () => {
    const bad = mkdtempSync(join(tmpdir(), "faraday-bad-"));
    expect(() => mergeResults([bad])).toThrow(/holds no results\.json/);
    writeFileSync(join(bad, "results.json"), JSON.stringify({ runs: [{ ...SET[0], verdict: "meh", dir: "x" }] }));
    expect(() => mergeResults([bad])).toThrow(/results\.json: \/runs\/0\/verdict must be one of/);
    expect(() => mergeResults([])).toThrow(/name one or more results to merge/);
  });
});
