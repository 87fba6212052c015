import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { faraday, privateTmp, processesUnder, readResults } from "./lab.ts";

/**
 * The known-good control: MQTT.js behind the agent protocol, through a real mosquitto that
 * is really SIGKILLed and a real Toxiproxy. If this fails, suspect the scenario, not a client.
 */
describe("broker-crash with the MQTT.js reference device", () => {
  it("passes every check in MQTT 3.1.1 and 5, and re-checking the saved runs gives the same verdicts byte for byte", () => {
    const tmp = privateTmp();
    const out = join(tmp, "reports");
    const r = faraday(["run", "broker-crash", "--device", "node", "--protocol", "all", "--parallel", "2", "--out", out], { tmp });
    expect(r.stdout).toMatch(/PASS +broker-crash +mqttjs v3\.1\.1 mosquitto \(node\)/);
    expect(r.stdout).toMatch(/PASS +broker-crash +mqttjs v5 mosquitto \(node\)/);
    expect(r.code).toBe(0);
    const results = readResults(out);
    expect(results.runs.map((x) => x.verdict)).toEqual(["pass", "pass"]);
    for (const run of results.runs) {
      expect(run.checks.map((c) => c.name)).toEqual(["noLostAcknowledged", "reconnectsWithin", "resumesPublishing", "noUncaughtErrors", "noBusyLoop", "expectationsMet"]);
    }
    expect(processesUnder(tmp)).toEqual([]);

    const runDir = join(out, "latest", "broker-crash.mqttjs.v5.mosquitto");
    const before = readFileSync(join(runDir, "results.json"), "utf8");
    const again = faraday(["check", runDir]);
    expect(again.code).toBe(0);
    expect(readFileSync(join(runDir, "results.json"), "utf8")).toBe(before);
    // Even with its results.json lost, the timeline alone gives the same verdicts.
    writeFileSync(join(runDir, "results.json"), "{}");
    expect(faraday(["check", runDir]).code).toBe(0);
    const rebuilt = JSON.parse(readFileSync(join(runDir, "results.json"), "utf8"));
    expect(rebuilt.runs[0].checks).toEqual(JSON.parse(before).runs[0].checks);
  });

  it("faraday check on a folder without a timeline says so in one line and exits 2", () => {
    const r = faraday(["check", privateTmp()]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/holds no timeline\.jsonl/);
  });
});
