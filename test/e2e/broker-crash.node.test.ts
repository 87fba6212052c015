import { describe, expect, it } from "vitest";
import { cpSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
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
      // The scenario's own checks, then the client's promises on the wire (every tapped run).
      expect(run.checks.map((c) => c.name)).toEqual([
        "noLostAcknowledged", "reconnectsWithin", "resumesPublishing", "noUncaughtErrors", "noBusyLoop",
        "connectAsConfigured", "dupOnlyOnResend", "packetIdsFree", "pingsAsPromised", "resendsAsPromised",
        "expectationsMet",
      ]);
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

    // A copy cut right after an observer PUBACK — before the delivery that cleared the client —
    // is not a whole run: it re-checks to error (exit 2), never to the client's loss.
    const lines = readFileSync(join(runDir, "timeline.jsonl"), "utf8").trimEnd().split("\n");
    const cutAt = lines.findIndex((l) => l.includes('"src":"observer","kind":"puback"')) + 1;
    const cut = join(tmp, "cut");
    cpSync(runDir, cut, { recursive: true });
    writeFileSync(join(cut, "timeline.jsonl"), lines.slice(0, cutAt).join("\n") + "\n");
    const c = faraday(["check", cut]);
    expect(c.code).toBe(2);
    expect(c.stdout).toMatch(/^ERROR +broker-crash .* — timeline cut at [\d.]+ s: it has no scenario\.end/);
    expect(c.stdout).toMatch(/not judged \(the lab broke at/);
    expect(JSON.parse(readFileSync(join(cut, "results.json"), "utf8")).runs[0].verdict).toBe("error");

    // Torn mid-line, as a SIGKILL during a write leaves it: tolerated, said, and error.
    const torn = join(tmp, "torn");
    cpSync(runDir, torn, { recursive: true });
    writeFileSync(join(torn, "timeline.jsonl"), lines.slice(0, cutAt + 3).join("\n") + "\n" + lines[cutAt + 3]!.slice(0, 17));
    const t = faraday(["check", torn]);
    expect(t.code).toBe(2);
    expect(t.stderr).toBe("");
    expect(t.stdout).toMatch(new RegExp(`ERROR .* no scenario\\.end .*; its line ${cutAt + 4} is torn`));

    // Any other damage is one line and exit 2.
    const broken = join(tmp, "broken");
    cpSync(runDir, broken, { recursive: true });
    writeFileSync(join(broken, "timeline.jsonl"), [...lines.slice(0, 5), "{not json", ...lines.slice(5)].join("\n") + "\n");
    const b = faraday(["check", broken]);
    expect(b.code).toBe(2);
    expect(b.stderr.trim().split("\n")).toHaveLength(1);
    expect(b.stderr).toMatch(/timeline\.jsonl is damaged: timeline line 6 is not JSON/);

    // A folder of runs whose own results.json is damaged: its runs are re-checked, then one line.
    const inv = join(tmp, "inv");
    cpSync(realpathSync(join(out, "latest")), inv, { recursive: true });
    writeFileSync(join(inv, "results.json"), '{"runs": 3');
    const d = faraday(["check", inv]);
    expect(d.code).toBe(2);
    expect(d.stderr.trim().split("\n")).toHaveLength(1);
    expect(d.stderr).toMatch(/results\.json is damaged \(.*\): its runs were re-checked/);
  });

  it("faraday check on a folder without a timeline says so in one line and exits 2", () => {
    const r = faraday(["check", privateTmp()]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/holds no timeline\.jsonl/);
  });
});
