import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { faradayAsync, privateTmp, processesUnder } from "./lab.ts";

describe("Ctrl-C during a run", () => {
  it("tears down broker, proxy and device, keeps the partial timeline and results, and exits 2", async () => {
    const tmp = privateTmp();
    const out = join(tmp, "reports");
    const run = faradayAsync(["run", "broker-crash", "--device", "node", "--protocol", "3.1.1", "--out", out], tmp);
    // Interrupt in the middle of the outage: wait for the fault, not for a fixed time.
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (run.out().includes("fault brokerCrash injected")) {
          clearInterval(t);
          resolve();
        }
      }, 50);
    });
    expect(processesUnder(tmp).length).toBeGreaterThan(0); // the lab really was running
    run.child.kill("SIGINT");
    const r = await run.done;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("SIGINT — stopping every run and keeping partial results");
    expect(processesUnder(tmp)).toEqual([]);
    const runDir = join(out, "latest", "broker-crash.mqttjs.v3.1.1.mosquitto");
    const results = JSON.parse(readFileSync(join(out, "latest", "results.json"), "utf8"));
    expect(results.runs[0].verdict).toBe("error");
    expect(results.runs[0].reason).toBe("interrupted");
    expect(existsSync(join(runDir, "timeline.jsonl"))).toBe(true);
    // The heal ran at teardown: the timeline shows the fault closed.
    expect(readFileSync(join(runDir, "timeline.jsonl"), "utf8")).toMatch(/"src":"fault","kind":"end"/);
  });
});
