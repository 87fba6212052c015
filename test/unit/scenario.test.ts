import { describe, expect, it } from "vitest";
import { scenario } from "../../src/scenario/dsl.ts";
import { deriveBounds } from "../../src/scenario/bounds.ts";
import { select, type ScenarioEntry } from "../../src/scenario/registry.ts";
import { publishStream } from "../../src/scenario/stream.ts";
import { Timeline } from "../../src/timeline/timeline.ts";
import { ExpectationFailed } from "../../src/scenario/expectation.ts";
import { ctx } from "./helpers.ts";

const s = (id: string, suite = "resilience"): ScenarioEntry => ({
  scenario: scenario({ id, title: id, run: async () => {}, checks: () => [] }),
  file: `${suite}/${id}.ts`,
  suite,
});

describe("scenario DSL", () => {
  it("rejects an id that is not kebab-case", () => {
    expect(() => scenario({ id: "Broker Crash", title: "", run: async () => {}, checks: () => [] })).toThrow(/kebab-case/);
  });

  it("derives reconnect bounds from the client's own settings, so they follow the keepalive and response time", () => {
    const c = ctx().client;
    const mqttAs = { name: "mqtt_as", protocols: ["3.1.1" as const], unsupported: {}, timing: { reconnectDelay: 2, wifiStableWait: 5, outageDetection: 1.5 } };
    const b = deriveBounds({ ...c, response_time: 3, keepalive: 6 }, mqttAs);
    expect(b.reconnectCycleMs).toBe(10_000); // 2 s pause + 5 s WiFi watch + 3 s response
    expect(b.reconnectAfterHealMs).toBe(22_000); // two cycles + 2 s slack
    expect(b.outageDetectionMs).toBe(11_000); // 1.5 × 6 s + 2 s
    const slower = deriveBounds({ ...c, response_time: 10, keepalive: 60 }, mqttAs);
    expect(slower.reconnectAfterHealMs).toBeGreaterThan(b.reconnectAfterHealMs);
  });

  it("selects by id and by suite, and names what exists when asked for something unknown", () => {
    const all = new Map([s("broker-crash"), s("ap-loss"), s("qos1", "compliance")].map((e) => [e.scenario.id, e]));
    expect(select(all, ["ap-loss"], undefined).map((e) => e.scenario.id)).toEqual(["ap-loss"]);
    expect(select(all, [], "compliance").map((e) => e.scenario.id)).toEqual(["qos1"]);
    expect(() => select(all, ["brokr-crash"], undefined)).toThrow('unknown scenario "brokr-crash" (known: broker-crash, ap-loss, qos1)');
    expect(() => select(all, [], "nope")).toThrow(/unknown suite "nope"/);
    expect(() => select(all, [], undefined)).toThrow(/name a scenario/);
  });
});

describe("publish stream", () => {
  it("numbers messages, waits for each answer before the next, and counts acknowledgements", async () => {
    const sent: string[] = [];
    const ac = new AbortController();
    const stream = publishStream({
      timeline: new Timeline(),
      signal: ac.signal,
      everyMs: 1,
      stopGraceMs: 100,
      publish: async (p) => {
        sent.push(p);
        return true;
      },
    });
    await stream.acked(3, { within: 1000 });
    await stream.stop();
    expect(sent.slice(0, 3)).toEqual(["seq=1", "seq=2", "seq=3"]);
    expect(stream.ackedCount).toBe(sent.length);
  });

  it("turns a stream that stops being acknowledged into a failed expectation, not a hang", async () => {
    const ac = new AbortController();
    const stream = publishStream({
      timeline: new Timeline(),
      signal: ac.signal,
      everyMs: 1,
      stopGraceMs: 10,
      publish: () => new Promise<boolean>(() => {}), // a client blocked forever
    });
    await expect(stream.acked(1, { within: 30, what: "resumes" })).rejects.toBeInstanceOf(ExpectationFailed);
    await stream.stop();
  });
});
