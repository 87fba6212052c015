import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baselineOf, binomialTail, classify, formatBaseline, gateLines, gateRecord, readBaseline, REASON_PLACEHOLDER, runClass, writeBaseline, type Baseline } from "../../src/gate/baseline.ts";
import type { RunResult } from "../../src/report/run.ts";
import type { CheckVerdict } from "../../src/checks/check.ts";
import type { RunVerdict } from "../../src/checks/verdict.ts";
import { firstSchemaError } from "../../src/report/schema.ts";

/** A run of cell <scenario>.mqtt_as.v<protocol>.<broker> with checks given as name → verdict. */
function run(scenario: string, checks: Record<string, CheckVerdict>, over: Partial<RunResult> = {}): RunResult {
  const cs = Object.entries(checks).map(([name, verdict]) => ({ name, verdict, summary: `${name} ${verdict}`, evidence: [] }));
  const verdict: RunVerdict = cs.some((c) => c.verdict === "fail") ? "fail" : cs.some((c) => c.verdict === "unknown") ? "unknown" : "pass";
  const protocol = over.protocol ?? "3.1.1";
  const broker = over.broker ?? "mosquitto";
  return { id: `${scenario}.mqtt_as.v${protocol}.${broker}`, scenario, title: scenario, client: "mqtt_as", clientRevision: "7b6a11d", device: "unix", protocol, broker, brokerDurable: true, seed: 1, verdict, startedAt: "", durationMs: 1000, checks: cs, dir: "", ...over };
}

const known = [
  run("broker-crash", { noLostAcknowledged: "pass", reconnectsWithin: "fail", resumesPublishing: "fail", noUncaughtErrors: "fail" }),
  run("partition", { reconnectsWithin: "pass", noUncaughtErrors: "pass" }),
  run("broker-crash", { reconnectsWithin: "fail", noUncaughtErrors: "pass" }, { protocol: "5" }),
  run("v5-retain", {}, { protocol: "5", verdict: "unsupported", reason: "declared" }),
];

describe("baseline write: small, stable-sorted, one check per line, every known failure with a reason", () => {
  it("records per cell and check the verdicts of a run, failing ones with the reason placeholder", () => {
    const text = writeBaseline({ faraday: "x", command: "", seed: 1, startedAt: "", runs: known });
    expect(text).toBe(
      [
        "{",
        '  "format": "faraday-baseline/1",',
        '  "cells": {',
        '    "broker-crash.mqtt_as.v3.1.1.mosquitto": {',
        '      "verdict": "fail",',
        '      "checks": {',
        `        "noLostAcknowledged": { "verdict": "pass" },`,
        `        "noUncaughtErrors": { "verdict": "fail", "reason": "${REASON_PLACEHOLDER}" },`,
        `        "reconnectsWithin": { "verdict": "fail", "reason": "${REASON_PLACEHOLDER}" },`,
        `        "resumesPublishing": { "verdict": "fail", "reason": "${REASON_PLACEHOLDER}" }`,
        "      }",
        "    },",
        '    "broker-crash.mqtt_as.v5.mosquitto": {',
        '      "verdict": "fail",',
        '      "checks": {',
        `        "noUncaughtErrors": { "verdict": "pass" },`,
        `        "reconnectsWithin": { "verdict": "fail", "reason": "${REASON_PLACEHOLDER}" }`,
        "      }",
        "    },",
        '    "partition.mqtt_as.v3.1.1.mosquitto": {',
        '      "verdict": "pass",',
        '      "checks": {',
        `        "noUncaughtErrors": { "verdict": "pass" },`,
        `        "reconnectsWithin": { "verdict": "pass" }`,
        "      }",
        "    },",
        '    "v5-retain.mqtt_as.v5.mosquitto": { "verdict": "unsupported" }',
        "  }",
        "}",
        "",
      ].join("\n"),
    );
    // Valid JSON, valid against its schema; the same whatever the order of the runs.
    expect(firstSchemaError("baseline", JSON.parse(text))).toBeUndefined();
    expect(writeBaseline([...known].reverse())).toBe(text);
    expect(baselineOf(known).notes).toEqual([`4 known failure(s) have no reason yet: replace each "${REASON_PLACEHOLDER}" with a finding or an issue URL`]);
  });

  it("repeats: a check failing in some of them carries its rate; rewriting keeps the reasons people wrote", () => {
    const repeats = [
      run("broker-crash", { noUncaughtErrors: "fail", reconnectsWithin: "pass" }),
      ...Array.from({ length: 4 }, () => run("broker-crash", { noUncaughtErrors: "pass", reconnectsWithin: "pass" })),
      run("broker-crash", { noUncaughtErrors: "fail", reconnectsWithin: "fail" }, { verdict: "error" }), // broke: not counted
    ];
    const { baseline, notes } = baselineOf(repeats);
    expect(baseline.cells["broker-crash.mqtt_as.v3.1.1.mosquitto"]).toEqual({ verdict: "fail", checks: { noUncaughtErrors: { verdict: "fail", failed: "1/5", reason: REASON_PLACEHOLDER }, reconnectsWithin: { verdict: "pass" } } });
    expect(notes[0]).toMatch(/1 of its 6 runs broke .* its rates count the other 5/);
    const edited: Baseline = JSON.parse(JSON.stringify(baseline));
    edited.cells["broker-crash.mqtt_as.v3.1.1.mosquitto"]!.checks!.noUncaughtErrors!.reason = "docs/findings.md 5";
    const again = baselineOf([...repeats, run("broker-crash", { noUncaughtErrors: "fail", reconnectsWithin: "pass" })], edited).baseline;
    expect(again.cells["broker-crash.mqtt_as.v3.1.1.mosquitto"]!.checks!.noUncaughtErrors).toEqual({ verdict: "fail", failed: "2/6", reason: "docs/findings.md 5" });
  });

  it("a cell whose every run broke is recorded without checks, and said", () => {
    const { baseline, notes } = baselineOf([run("lossy-link", { a: "fail" }, { verdict: "error" })]);
    expect(baseline.cells["lossy-link.mqtt_as.v3.1.1.mosquitto"]).toEqual({ verdict: "error" });
    expect(notes[0]).toMatch(/lossy-link\.mqtt_as\.v3\.1\.1\.mosquitto: every run of it broke/);
  });
});

describe("baseline read: one line naming the file and the field", () => {
  const file = (text: string) => {
    const f = join(mkdtempSync(join(tmpdir(), "faraday-baseline-")), "faraday-baseline.json");
    writeFileSync(f, text);
    return f;
  };
  it("reads what write wrote", () => {
    const text = writeBaseline(known);
    expect(formatBaseline(readBaseline(file(text)))).toBe(text);
  });
  it.each([
    ["{", /faraday-baseline\.json: not valid JSON/],
    ['{"cells": {}}', /faraday-baseline\.json: \/format is missing \(required\)/],
    ['{"format": "faraday-baseline/2", "cells": {}}', /\/format must be faraday-baseline\/1 \(not "faraday-baseline\/2"\)/],
    ['{"format": "faraday-baseline/1", "cells": {"x.mqtt_as.v5.mosquitto": {"verdict": "fail", "checks": {"c": {"verdict": "fail"}}}}}', /\/cells\/x\.mqtt_as\.v5\.mosquitto\/checks\/c\/reason is missing \(required\)/],
    ['{"format": "faraday-baseline/1", "cells": {"x.mqtt_as.v5.mosquitto": {"verdict": "pass", "checks": {"c": {"verdict": "pass", "reason": "r"}}}}}', /\/checks\/c\/reason is not allowed here \(only a failing check has a failure rate or a reason\)/],
    ['{"format": "faraday-baseline/1", "cells": {"x.mqtt_as.v5.mosquitto": {"verdict": "fail", "checks": {"c": {"verdict": "fail", "failed": "5/3", "reason": "r"}}}}}', /\/checks\/c\/failed "5\/3" must be k\/N with k < N/],
    ['{"format": "faraday-baseline/1", "cells": {"x.mqtt_as.v5.mosquitto": {"verdict": "fail", "checks": {"c": {"verdict": "fail", "failed": "1 of 3", "reason": "r"}}}}}', /\/checks\/c\/failed must match/],
    ['{"format": "faraday-baseline/1", "cells": {"/home/me/x.v5.b": {"verdict": "pass"}}}', /\/cells has a key that is not allowed: "\/home\/me\/x\.v5\.b" \(a key must match/],
    ['{"format": "faraday-baseline/1", "cells": {"x.mqtt_as.v5.mosquitto": {"verdict": "meh"}}}', /\/cells\/x\.mqtt_as\.v5\.mosquitto\/verdict must be one of pass, fail/],
  ])("refuses %s", (text, msg) => {
    expect(() => readBaseline(file(text))).toThrow(msg);
    try {
      readBaseline(file(text));
    } catch (err) {
      expect((err as Error).name).toBe("InputError");
      expect((err as Error).message.split("\n")).toHaveLength(1);
    }
  });
  it("a missing file says how to write one", () => {
    expect(() => readBaseline("/nonexistent/faraday-baseline.json")).toThrow(/no such baseline file \(write one with faraday baseline write <run-dir>\)/);
  });
});

describe("the gate: classify against the baseline", () => {
  const baseline = baselineOf(known).baseline;
  const cls = (runs: RunResult[], opts = {}) => classify(runs, baseline, opts);
  const classOf = (c: ReturnType<typeof classify>, cell: string, check: string) => c.checks.find((x) => x.cell === cell && x.check === check)?.class;
  const BC = "broker-crash.mqtt_as.v3.1.1.mosquitto";

  it("the same run again: every failure known, exit 0, 'known: N'", () => {
    const c = cls(known);
    expect(c.counts).toMatchObject({ "new-failure": 0, known: 4, pass: 4, fixed: 0 });
    expect(c.exit).toBe(0);
    expect(gateLines(c, "faraday-baseline.json")[0]).toBe("gate (faraday-baseline.json): new failures: 0, known: 4, fixed: 0, new passes: 0, new cells: 0, vanished: 0, not judged: 0 — exit 0");
  });

  it("one more bug: exit 1, naming exactly the new failure", () => {
    const worse = known.map((r) => (r.scenario === "partition" ? run("partition", { reconnectsWithin: "pass", noUncaughtErrors: "fail" }) : r));
    const c = cls(worse);
    expect(c.exit).toBe(1);
    expect(c.checks.filter((x) => x.class === "new-failure")).toEqual([{ cell: "partition.mqtt_as.v3.1.1.mosquitto", check: "noUncaughtErrors", class: "new-failure", now: "fail", baseline: "pass" }]);
    expect(gateLines(c, "b.json").slice(1)).toEqual(["  NEW FAILURE  partition.mqtt_as.v3.1.1.mosquitto  noUncaughtErrors: now fail, baseline pass"]);
  });

  it("fixed, new pass, new cell, vanished: exit 0 — and 1 when strict", () => {
    const better = [
      run("broker-crash", { noLostAcknowledged: "pass", reconnectsWithin: "pass", resumesPublishing: "fail", noUncaughtErrors: "fail", noBusyLoop: "pass" }),
      run("partition", { reconnectsWithin: "pass", noUncaughtErrors: "pass" }),
      run("latency", { reconnectsWithin: "pass" }),
    ];
    const c = cls(better);
    expect(classOf(c, BC, "reconnectsWithin")).toBe("fixed");
    expect(classOf(c, BC, "noBusyLoop")).toBe("new-pass");
    expect(classOf(c, "latency.mqtt_as.v3.1.1.mosquitto", "reconnectsWithin")).toBe("new-pass");
    expect(c.newCells).toEqual(["latency.mqtt_as.v3.1.1.mosquitto"]);
    expect(c.vanished).toEqual(["broker-crash.mqtt_as.v5.mosquitto", "v5-retain.mqtt_as.v5.mosquitto"]);
    expect(c.exit).toBe(0);
    expect(cls(better, { strict: true }).exit).toBe(1);
    // A shard: only the cells it selected can vanish.
    expect(cls(better, { expected: [BC, "partition.mqtt_as.v3.1.1.mosquitto", "latency.mqtt_as.v3.1.1.mosquitto"] }).vanished).toEqual([]);
    expect(cls(known, { strict: true }).exit).toBe(0);
  });

  it("a failing check in a new cell, or a check the baseline lacks, is a new failure", () => {
    const c = cls([...known, run("latency", { reconnectsWithin: "fail" }), run("partition", { reconnectsWithin: "pass", noUncaughtErrors: "pass", noBusyLoop: "fail" })].filter((r, i) => i !== 1));
    expect(classOf(c, "latency.mqtt_as.v3.1.1.mosquitto", "reconnectsWithin")).toBe("new-failure");
    expect(classOf(c, "partition.mqtt_as.v3.1.1.mosquitto", "noBusyLoop")).toBe("new-failure");
    expect(c.exit).toBe(1);
  });

  it("a run that broke: its checks not judged, exit 2 as without a baseline (a new failure elsewhere still 1)", () => {
    const broke = known.map((r) => (r.scenario === "partition" ? { ...r, verdict: "error" as const, checks: [], labBreak: { t: 1, reason: "mosquitto died" } } : r));
    const c = cls(broke);
    expect(c.checks.filter((x) => x.cell === "partition.mqtt_as.v3.1.1.mosquitto")).toEqual([
      { cell: "partition.mqtt_as.v3.1.1.mosquitto", check: "noUncaughtErrors", class: "not-judged", now: "error", baseline: "pass" },
      { cell: "partition.mqtt_as.v3.1.1.mosquitto", check: "reconnectsWithin", class: "not-judged", now: "error", baseline: "pass" },
    ]);
    expect(c.exit).toBe(2);
    expect(cls([...broke, run("latency", { x: "fail" })]).exit).toBe(1);
  });

  it("intermittent: a new failure when the observed rate exceeds the baseline's (k/N > K/M); with alpha, only beyond chance", () => {
    const b: Baseline = { format: "faraday-baseline/1", cells: { [BC]: { verdict: "fail", checks: { noUncaughtErrors: { verdict: "fail", failed: "2/19", reason: "finding 5" }, reconnectsWithin: { verdict: "fail", reason: "finding 1" } } } } };
    const repeats = (k: number, n: number) => Array.from({ length: n }, (_, i) => run("broker-crash", { noUncaughtErrors: i < k ? "fail" : "pass", reconnectsWithin: "fail" }));
    const at = (k: number, n: number, opts = {}) => classOf(classify(repeats(k, n), b, opts), BC, "noUncaughtErrors");
    expect(at(0, 1)).toBe("known"); // not seen this time: not "fixed" either
    expect(at(1, 10)).toBe("known"); // 0.1 ≤ 0.105
    expect(at(2, 19)).toBe("known");
    expect(at(1, 1)).toBe("new-failure"); // 1/1 > 2/19
    expect(at(2, 5)).toBe("new-failure");
    expect(at(1, 1, { alpha: 0.05 })).toBe("known"); // P(X ≥ 1) = 0.105
    expect(at(2, 5, { alpha: 0.05 })).toBe("known"); // P(X ≥ 2) ≈ 0.09
    expect(at(3, 5, { alpha: 0.05 })).toBe("new-failure"); // P(X ≥ 3) ≈ 0.0099
    // A steady known failure never becomes new, however often it fails; it is fixed when it passes every time.
    const c = classify(repeats(0, 5), b);
    expect(classOf(c, BC, "reconnectsWithin")).toBe("known");
    const fixed = classify([run("broker-crash", { noUncaughtErrors: "pass", reconnectsWithin: "pass" })], b);
    expect(classOf(fixed, BC, "reconnectsWithin")).toBe("fixed");
    expect(fixed.checks.find((x) => x.check === "noUncaughtErrors")).toEqual({ cell: BC, check: "noUncaughtErrors", class: "known", now: "pass", baseline: "2/19", reason: "finding 5" });
    expect(classify(repeats(3, 5), b).checks.find((x) => x.check === "noUncaughtErrors")!.now).toBe("3/5");
  });

  it("a run's class: its checks' most telling one; new-cell for a passing run the baseline lacks; not-judged for a broken run", () => {
    const runs = [
      run("broker-crash", { noLostAcknowledged: "pass", reconnectsWithin: "pass", resumesPublishing: "fail", noUncaughtErrors: "fail" }),
      run("partition", { reconnectsWithin: "fail", noUncaughtErrors: "pass" }),
      run("latency", { reconnectsWithin: "pass" }),
      run("reset", { reconnectsWithin: "fail" }),
      run("broker-crash", { reconnectsWithin: "fail" }, { protocol: "5", verdict: "error" }),
      run("v5-retain", {}, { protocol: "5", verdict: "unsupported" }),
    ];
    const c = cls(runs);
    expect(runs.map((r) => runClass(r, c))).toEqual(["fixed", "new-failure", "new-cell", "new-failure", "not-judged", "pass"]);
    expect(runClass(known[0]!, cls(known))).toBe("known");
    expect(runClass(known[1]!, cls(known))).toBe("pass");
  });

  it("binomialTail", () => {
    expect(binomialTail(0, 5, 0.3)).toBe(1);
    expect(binomialTail(1, 1, 2 / 19)).toBeCloseTo(2 / 19, 10);
    expect(binomialTail(3, 5, 2 / 19)).toBeCloseTo(0.0099, 4);
    expect(binomialTail(5, 5, 0.5)).toBeCloseTo(1 / 32, 10);
    expect(binomialTail(1, 5, 0)).toBe(0);
  });

  it("results.json keeps the gate: counts and every check that is not a plain pass; it validates", () => {
    const c = cls(known);
    const rec = gateRecord(c, "faraday-baseline.json");
    expect(rec.checks.map((x) => x.class)).toEqual(["known", "known", "known", "known"]);
    expect(rec.counts).toEqual({ known: 4, pass: 4 });
    expect(firstSchemaError("results", { runs: [], gate: rec })).toBeUndefined();
  });
});
