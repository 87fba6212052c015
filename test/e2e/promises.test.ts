import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { faraday, privateTmp, processesUnder, readResults, repo } from "./lab.ts";

/** The checkers that hold every tapped run to the client's own promises (src/checks/promises.ts). */
const PROMISE_CHECKS = ["connectAsConfigured", "pingsAsPromised", "resendsAsPromised", "dupOnlyOnResend", "packetIdsFree"];

function run(args: string[]) {
  const tmp = privateTmp();
  const out = join(tmp, "reports");
  const r = faraday([...args, "--protocol", "3.1.1", "--out", out], { tmp, timeoutMs: 240_000 });
  const said = `exit ${String(r.code)}\n--- stdout (tail)\n${r.stdout.slice(-3000)}\n--- stderr (tail)\n${r.stderr.slice(-3000)}`;
  expect(existsSync(join(out, "latest", "results.json")), said).toBe(true);
  return { r, runs: readResults(out).runs, tmp, said };
}

describe("the client's own promises, held to its wire in every run", () => {
  // Five copies of one small real MicroPython client (test/fixtures/clients/, lossy_mqtt.py),
  // each with one bug against what its manifest promises: each must fail the checker that
  // names it, with the evidence a person can act on.
  const broken = [
    { client: "liar", scenario: "v3-keepalive-idle", check: "connectAsConfigured", evidence: /CONNECT on connection 1 at [\d.]+ s \(first connection\): keepalive 8 s, configured 4 s/ },
    { client: "mute", scenario: "v3-keepalive-idle", check: "pingsAsPromised", evidence: /connection 1: quiet since [\d.]+ s \(its \w+\); no PINGREQ before the connection closed at [\d.]+ s \(by broker\); promised within 2 s \(0\.5 × keepalive 4 s\)/ },
    { client: "stutter", scenario: "v3-qos1-device-to-peer", check: "resendsAsPromised", evidence: /PUBLISH id \d+ \(\S+ reading-q1, qos 1, dup 1\) at [\d.]+ s on connection 1, \d+ ms after the previous send at [\d.]+ s \(resend 1\): resent before its response time \(response_time 3 s\) had passed/ },
    { client: "dupe", scenario: "v3-qos1-device-to-peer", check: "dupOnlyOnResend", evidence: /PUBLISH id \d+ \(\S+ reading-q1, qos 1, dup 1\) at [\d.]+ s on connection 1: DUP 1, but id \d+ was not sent before, or was already acknowledged — not a resend/ },
    { client: "reuser", scenario: "publish-during-unnoticed-outage", check: "packetIdsFree", evidence: /(PUBLISH|SUBSCRIBE) at [\d.]+ s on connection \d+ takes id 1, still in flight since [\d.]+ s/ },
  ];
  for (const b of broken) {
    it(`${b.client} fails ${b.check} in ${b.scenario}, naming the packet and the time`, () => {
      const { r, runs, tmp, said } = run(["run", b.scenario, "--client-path", join(repo, "test", "fixtures", "clients", b.client)]);
      expect(r.code, said).toBe(1);
      const check = runs[0]!.checks.find((c) => c.name === b.check)!;
      expect(check.verdict, said).toBe("fail");
      expect(check.evidence.map((e) => e.text).join("\n")).toMatch(b.evidence);
      expect(processesUnder(tmp)).toEqual([]);
    });
  }

  // The default client and the MQTT.js reference keep their promises in the same scenarios.
  // (Their other checks may flip on a loaded machine; these five must not.)
  const good = [
    { name: "aiomqttc", args: [] as string[] },
    { name: "MQTT.js", args: ["--device", "node", "--client", "mqttjs"] },
  ];
  for (const g of good) {
    it(`${g.name} passes every promise check, and its pings and CONNECTs are judged, not waved through`, () => {
      const { runs, tmp, said } = run(["run", "v3-keepalive-idle", "v3-qos1-device-to-peer", "publish-during-unnoticed-outage", "--parallel", "2", ...g.args]);
      expect(runs.length, said).toBe(3);
      for (const r of runs) {
        for (const name of PROMISE_CHECKS) {
          const c = r.checks.find((x) => x.name === name) as { verdict: string; summary?: string; evidence: { text: string }[] } | undefined;
          expect(c, `${name} in ${JSON.stringify(r.checks.map((x) => x.name))}`).toBeDefined();
          expect(c!.verdict, `${name}: ${c!.summary ?? ""} — ${c!.evidence.map((e) => e.text).join(" | ")}`).toBe("pass");
        }
      }
      const idle = runs.find((r) => r.checks.some((c) => c.name === "keepsConnectionAlive"))!;
      const summary = (name: string) => (idle.checks.find((c) => c.name === name) as { summary?: string } | undefined)?.summary ?? "";
      expect(summary("pingsAsPromised")).not.toMatch(/^not /);
      expect(summary("connectAsConfigured")).not.toMatch(/^not /);
      expect(processesUnder(tmp)).toEqual([]);
    });
  }
});
