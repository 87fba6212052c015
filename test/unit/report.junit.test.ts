import { describe, expect, it } from "vitest";
import { junitXml } from "../../src/report/junit.ts";
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
});
