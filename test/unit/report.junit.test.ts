import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { clientLogTail, junitXml, writeJunit } from "../../src/report/junit.ts";
import type { RunResult } from "../../src/report/run.ts";

const run = (over: Partial<RunResult>): RunResult => ({
  id: "x",
  scenario: "broker-crash",
  title: "",
  client: "mqtt_as",
  clientRevision: "",
  device: "unix",
  protocol: "3.1.1",
  broker: "mosquitto",
  brokerDurable: true,
  seed: 1,
  verdict: "pass",
  startedAt: "",
  durationMs: 1234,
  checks: [],
  dir: "",
  ...over,
});

describe("junit.xml", () => {
  it("reports a client's failure as a failure with its evidence, a lab error as an error, unsupported as skipped", () => {
    const xml = junitXml([
      run({}),
      run({
        verdict: "fail",
        checks: [{ name: "noLostAcknowledged", verdict: "fail", summary: "1 of 9 lost", evidence: [{ text: "seq 41 acknowledged at 12.304 s, never delivered <&>" }] }],
      }),
      run({ verdict: "error", reason: "port 1883 for mosquitto is busy" }),
      run({ verdict: "unsupported", protocol: "5", reason: "aiomqttc does not support MQTT 5" }),
    ]);
    expect(xml).toContain('tests="4" failures="1" errors="1" skipped="1"');
    expect(xml).toContain('<failure message="noLostAcknowledged">noLostAcknowledged: 1 of 9 lost\n  seq 41 acknowledged at 12.304 s, never delivered &lt;&amp;&gt;</failure>');
    expect(xml).toContain('<error message="port 1883 for mosquitto is busy">');
    expect(xml).toContain('<skipped message="unsupported: aiomqttc does not support MQTT 5"/>');
    expect(xml).toContain('time="1.234"');
  });

  it("a failure's message is the run's root cause; each test case has its start time; the client's log tail is its system-out", () => {
    const failed = run({
      id: "broker-crash.mqtt_as.v3.1.1.mosquitto",
      verdict: "fail",
      startedAt: "2026-12-02T05:16:46.123Z",
      reproduce: "faraday run broker-crash --client mqtt_as --client-path '<client-path #3f2a9c1b>' --protocol 3.1.1 --broker mosquitto --seed 7",
      cause: { line: "reconnectsWithin: brokerCrash healed at 11.170 s; client never reported up again — then noLostAcknowledged fails", source: "check", t: 11_169.7, check: "reconnectsWithin", follows: ["noLostAcknowledged"] },
      checks: [
        { name: "noLostAcknowledged", verdict: "fail", summary: "45 of 54 lost", evidence: [{ t: 11_224.5, text: "seq 5 never delivered" }] },
        { name: "reconnectsWithin", verdict: "fail", summary: "never reconnected", evidence: [{ t: 11_169.7, text: "brokerCrash healed at 11.170 s; client never reported up again" }] },
      ],
    });
    const xml = junitXml([failed, run({ startedAt: "2026-12-02T05:16:40.000Z" })], "faraday", { logs: new Map([[failed.id, "  1.000 s  connecting\x1b[2J\n 12.000 s  Error in reconnect. (-1, 'CONNACK flags not 0') <&>"]]) });
    expect(xml).toContain('<failure message="reconnectsWithin: brokerCrash healed at 11.170 s; client never reported up again — then noLostAcknowledged fails">cause: reconnectsWithin');
    expect(xml).toContain("\nreproduce: faraday run broker-crash --client mqtt_as --client-path &apos;&lt;client-path #3f2a9c1b&gt;&apos; --protocol 3.1.1 --broker mosquitto --seed 7</failure>");
    expect(xml).toContain('time="1.234" timestamp="2026-12-02T05:16:46.123Z">');
    expect(xml).toContain('timestamp="2026-12-02T05:16:40.000Z"></testcase>');
    expect(xml).toMatch(/<testsuite name="faraday" [^>]* timestamp="2026-12-02T05:16:40.000Z">/);
    // The log is the client's text: made visible and escaped, and only for a run that did not pass.
    expect(xml).toContain("<system-out>  1.000 s  connecting\\x1b[2J\n 12.000 s  Error in reconnect. (-1, &apos;CONNACK flags not 0&apos;) &lt;&amp;&gt;</system-out>");
    expect(xml.match(/<system-out>/g)).toHaveLength(1);
  });

  it("writeJunit reads the last lines of each failed run's client.log from its folder (dir absolute or relative to the file)", () => {
    const dir = mkdtempSync(join(tmpdir(), "faraday-junit-"));
    mkdirSync(join(dir, "a"));
    mkdirSync(join(dir, "b"));
    writeFileSync(join(dir, "a", "client.log"), Array.from({ length: 100 }, (_, i) => `line ${i}`).join("\n") + "\n");
    writeFileSync(join(dir, "b", "client.log"), "only line\n");
    expect(clientLogTail(join(dir, "a"), 3)).toBe("… 97 earlier line(s) in client.log\nline 97\nline 98\nline 99");
    expect(clientLogTail(join(dir, "nowhere"))).toBeUndefined();
    writeJunit(dir, [run({ id: "a", verdict: "fail", dir: join(dir, "a") }), run({ id: "b", verdict: "error", reason: "x", dir: "b" }), run({ id: "c", dir: "a" })]);
    const xml = readFileSync(join(dir, "junit.xml"), "utf8");
    expect(xml).toContain("line 99</system-out>");
    expect(xml).not.toContain("line 39\n");
    expect(xml).toContain("<system-out>only line</system-out>");
    expect(xml.match(/<system-out>/g)).toHaveLength(2);
  });

  it("with a gate: each classified check is a property, and a run failing only as the baseline says is skipped, not failed", () => {
    const known = run({ id: "k", scenario: "s1", verdict: "fail", checks: [{ name: "c1", verdict: "fail", summary: "x", evidence: [] }] });
    const fresh = run({ id: "n", scenario: "s2", verdict: "fail", checks: [{ name: "c1", verdict: "fail", summary: "x", evidence: [] }] });
    const xml = junitXml([known, fresh], "faraday", {
      gate: {
        baseline: "faraday-baseline.json",
        strict: false,
        exit: 1,
        counts: { known: 1, "new-failure": 1 },
        checks: [
          { cell: "s1.mqtt_as.v3.1.1.mosquitto", check: "c1", class: "known", now: "fail", baseline: "fail", reason: "finding 1" },
          { cell: "s2.mqtt_as.v3.1.1.mosquitto", check: "c1", class: "new-failure", now: "fail", baseline: "pass" },
        ],
        newCells: [],
        vanished: [],
      },
    });
    expect(xml).toContain('tests="2" failures="1" errors="0" skipped="1"');
    expect(xml).toContain('<property name="baseline.c1" value="known"/></properties><skipped message="known failure (baseline): c1"/>');
    expect(xml).toContain('<property name="baseline.c1" value="new-failure"/></properties><failure message="c1">');
  });
});
