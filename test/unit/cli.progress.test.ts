import { describe, expect, it } from "vitest";
import { progressLine } from "../../src/cli/run.ts";
import { suiteNames } from "../../src/cli/help.ts";
import { loadScenarios, select } from "../../src/scenario/registry.ts";
import type { RunResult } from "../../src/report/run.ts";

const run = (verdict: RunResult["verdict"]) => ({ verdict }) as RunResult;

describe("a long suite says how far it is", () => {
  it("k/N, the verdicts so far and the time left from the mean per finished run", () => {
    expect(progressLine([run("pass"), run("fail"), run("pass")], 10, 90_000)).toBe("faraday: 3/10 done (2 pass, 1 fail) after 1:30, about 3:30 left");
  });
  it("no estimate once every run is done", () => {
    expect(progressLine([run("pass"), run("skip")], 2, 61_000)).toBe("faraday: 2/2 done (1 pass, 1 skip) after 1:01");
  });
});

describe("--help lists the suites", () => {
  it("every suite it names selects scenarios, resilience first", async () => {
    const names = suiteNames();
    expect(names.slice(0, 2)).toEqual(["default", "resilience"]);
    const all = await loadScenarios();
    for (const s of names) expect(select(all, [], s).length, s).toBeGreaterThan(0);
    expect(names).toEqual(expect.arrayContaining(["floods", "compliance", "compliance/v3", "compliance/v5"]));
  });
});
