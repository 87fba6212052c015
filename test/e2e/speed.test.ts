import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { faraday, privateTmp, processesUnder } from "./lab.ts";

const PHASES = ["setup", "connect", "scenario", "drain", "stop", "teardown"];

/**
 * Speed without a clock in the test: the default parallelism is said, and every run says where
 * its time went — phase events in order on its timeline, the totals in results.json, which a
 * re-check rebuilds from the timeline alone. The figures themselves are `npm run bench`'s.
 */
describe("where a run's time goes", () => {
  it("runs in parallel by default, says why, and records each run's phases", () => {
    const tmp = privateTmp();
    const out = join(tmp, "reports");
    const r = faraday(["run", "broker-restart-without-persistence", "--device", "node", "--protocol", "all", "--seed", "7", "--out", out], { tmp });
    expect(r.code).toBe(0);
    // What the machine carries, measured at the start (how many depends on its load now).
    expect(r.stdout).toMatch(/^faraday: 2 run\(s\) of mqttjs .* seed 7, parallel [12] \(\d+ cores?, load [\d.]+, [\d.]+ GB free\) → /m);
    expect(processesUnder(tmp)).toEqual([]);

    for (const id of ["broker-restart-without-persistence.mqttjs.v3.1.1.mosquitto", "broker-restart-without-persistence.mqttjs.v5.mosquitto"]) {
      const dir = join(out, "latest", id);
      const events = readFileSync(join(dir, "timeline.jsonl"), "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(events.filter((e) => e.src === "lab" && e.kind === "phase").map((e) => e.phase)).toEqual(PHASES);
      const last = events.at(-1)!;
      expect([last.src, last.kind]).toEqual(["lab", "phases"]);

      const before = readFileSync(join(dir, "results.json"), "utf8");
      const run = JSON.parse(before).runs[0];
      const p = run.phases as Record<string, number>;
      expect(Object.keys(p)).toEqual(["setupMs", "connectMs", "scenarioMs", "drainMs", "stopMs", "teardownMs", "scriptedWaitMs", "clientWaitMs", "labMs"]);
      for (const v of Object.values(p)) expect(v).toBeGreaterThanOrEqual(0);
      // The scenario's waits are inside the scenario; the lab's share is what is left of setup,
      // teardown and the scenario: the parts add up (to the 0.1 ms they are rounded to).
      expect(p.scriptedWaitMs! + p.clientWaitMs!).toBeLessThanOrEqual(p.scenarioMs! + 0.1);
      expect(Math.abs(p.labMs! - (p.setupMs! + p.teardownMs! + p.scenarioMs! - p.scriptedWaitMs! - p.clientWaitMs!))).toBeLessThanOrEqual(0.3);
      // This scenario waits for its outage on its own clock: scripted time is there.
      expect(p.scriptedWaitMs).toBeGreaterThan(0);
      expect(p.clientWaitMs).toBeGreaterThan(0);

      // Re-checked from the timeline, results.json comes out byte for byte, phases included.
      expect(faraday(["check", dir]).code).toBe(0);
      expect(readFileSync(join(dir, "results.json"), "utf8")).toBe(before);
    }
  });

  it("--parallel given is said as given", () => {
    const r = faraday(["run", "broker-restart-without-persistence", "--device", "node", "--protocol", "3.1.1", "--parallel", "3", "--out", join(privateTmp(), "reports")]);
    expect(r.code).toBe(0);
    // One run: never more at once than there are runs.
    expect(r.stdout).toMatch(/, parallel 1 \(--parallel\) → /);
  });
});
