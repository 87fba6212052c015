import { describe, expect, it } from "vitest";
import { cellsByVerdict, complianceSummary, declaredVsFound } from "../../src/report/compliance.ts";
import type { RunResult } from "../../src/report/run.ts";

const run = (over: Partial<RunResult>): RunResult => ({
  id: "x",
  scenario: "v5-user-property-one",
  title: "t",
  client: "mqtt_as",
  clientRevision: "r",
  device: "unix",
  protocol: "5",
  broker: "mosquitto",
  brokerDurable: true,
  seed: 1,
  verdict: "pass",
  startedAt: "",
  durationMs: 1,
  checks: [],
  dir: "",
  feature: { id: "v5.user-property.one", spec: "3.3.2.3.7", claim: "c" },
  ...over,
});

describe("declared vs found", () => {
  it("lists a declared gap whose probe passed as declared-unsupported-but-works", () => {
    const d = declaredVsFound([run({ id: "a", verdict: "unsupported", declared: "mqtt_as declares x", probe: "pass" })]);
    expect(d).toHaveLength(1);
    expect(d[0]!.kind).toBe("declared-unsupported-but-works");
    expect(d[0]!.text).toContain("mqtt_as declares x");
  });

  it("does not list a declared gap whose probe failed: the manifest told the truth", () => {
    expect(declaredVsFound([run({ verdict: "unsupported", declared: "d", probe: "fail" })])).toEqual([]);
  });

  it("lists a failure of an undeclared feature as an undeclared gap, quoting the failing check", () => {
    const d = declaredVsFound([
      run({ id: "b", verdict: "fail", checks: [{ name: "delivered", verdict: "fail", summary: "peer sub receives x: never arrived", evidence: [] }] }),
    ]);
    expect(d.map((x) => x.kind)).toEqual(["undeclared-gap"]);
    expect(d[0]!.text).toContain("never arrived");
  });

  it("ignores passes, skips, lab errors and non-compliance runs", () => {
    const d = declaredVsFound([
      run({ verdict: "pass" }),
      run({ verdict: "skip", reason: "broker aedes lacks mqtt5" }),
      run({ verdict: "error", reason: "broker did not start" }),
      run({ verdict: "fail", feature: undefined }),
    ]);
    expect(d).toEqual([]);
  });

  it("counts compliance cells per verdict and leaves resilience runs out", () => {
    const runs = [run({}), run({ verdict: "fail" }), run({ verdict: "unsupported", declared: "d", probe: "fail" }), run({ verdict: "fail", feature: undefined })];
    expect(cellsByVerdict(runs)).toEqual({ pass: 1, fail: 1, unsupported: 1 });
    expect(complianceSummary(runs)?.cells).toBe(3);
    expect(complianceSummary([run({ feature: undefined })])).toBeUndefined();
  });
});
