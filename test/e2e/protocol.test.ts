import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { faraday, privateTmp, processesUnder, readResults, repo } from "./lab.ts";

// The protocol suite end to end: real mosquitto, real Toxiproxy, the wire tap's packet stage,
// the MQTT.js reference device and deliberately broken MicroPython clients.

describe("the protocol suite", () => {
  it("the MQTT.js reference passes every scenario it supports, in both protocols", { timeout: 420_000 }, () => {
    const tmp = privateTmp();
    const out = join(tmp, "reports");
    const r = faraday(["run", "--suite", "protocol", "--device", "node", "--parallel", "2", "--out", out], { tmp, timeoutMs: 400_000 });
    const runs = readResults(out).runs;
    const said = runs.map((x) => `${x.verdict} ${x.protocol} ${x.checks.filter((c) => c.verdict !== "pass").map((c) => `${c.name}: ${c.evidence.map((e) => e.text).join(" | ")}`).join("; ")}`).join("\n");
    expect(runs.length, said).toBe(16);
    // lost-puback and puback-never-comes: MQTT.js declares puback-timeout unsupported.
    expect(runs.filter((x) => x.verdict === "unsupported").map((x) => x.reason ?? "")).toEqual(Array(4).fill(expect.stringContaining('"puback-timeout"')));
    expect(runs.filter((x) => x.verdict !== "unsupported").every((x) => x.verdict === "pass"), said).toBe(true);
    expect(r.code, said).toBe(0);
    expect(processesUnder(tmp)).toEqual([]);
  });

  // One scenario each, for the checker the protocol suite adds.
  const broken = [
    {
      client: "patient",
      bug: "waits for a CONNACK for ever",
      scenario: "held-connack",
      check: "reattemptsAfterLostConnack",
      evidence: /CONNECT on connection 2 at [\d.]+ s, its CONNACK held by packetHold-1 at [\d.]+ s; the client still waited on it when the broker closed the connection at [\d.]+ s, \d+ ms after the CONNECT/,
    },
    {
      client: "stingy",
      bug: "acknowledges a packet id once per connection",
      scenario: "duplicated-publish",
      check: "eachCopyAcknowledged",
      evidence: /PUBLISH id \d+ doubled by packetDuplicate-1 at [\d.]+ s on connection 1: only one PUBACK \(at [\d.]+ s\) for two copies/,
    },
  ];
  for (const b of broken) {
    it(`a client that ${b.bug} fails ${b.check} in ${b.scenario}, with readable evidence`, () => {
      const tmp = privateTmp();
      const out = join(tmp, "reports");
      const r = faraday(["run", b.scenario, "--client-path", join(repo, "test", "fixtures", "clients", b.client), "--protocol", "3.1.1", "--out", out], { tmp });
      const said = `exit ${String(r.code)}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`;
      expect(r.code, said).toBe(1);
      const run = readResults(out).runs[0]!;
      const check = run.checks.find((c) => c.name === b.check)!;
      expect(check.verdict, said).toBe("fail");
      expect(check.evidence.map((e) => e.text).join("\n")).toMatch(b.evidence);
      expect(r.stdout).toContain(`fail: ${b.check}`);
      expect(processesUnder(tmp)).toEqual([]);
    });
  }
});
