import { describe, expect, it } from "vitest";
import { clientConfig, gate, type RunSpec } from "../../src/scenario/runner.ts";
import type { Scenario } from "../../src/scenario/dsl.ts";
import type { BrokerFactory } from "../../src/brokers/broker.ts";
import type { ResolvedClient } from "../../src/devices/device.ts";

const scenarioOf = (over: Partial<Scenario>): Scenario => ({ id: "s", title: "s", run: async () => {}, checks: () => [], ...over });
const client = (unsupported: Record<string, string>, protocols: ("3.1.1" | "5")[] = ["3.1.1", "5"]): ResolvedClient => ({
  name: "c",
  packageDir: "",
  adapterFile: "",
  revision: "r",
  manifest: { name: "c", protocols, unsupported },
});
const broker = (over: Partial<BrokerFactory> = {}): BrokerFactory => ({ kind: "b", protocols: ["3.1.1", "5"], durable: true, start: () => Promise.reject(new Error("not here")), ...over });
const spec = (s: Partial<Scenario>, c: ResolvedClient, b: BrokerFactory, protocol: "3.1.1" | "5" = "5"): RunSpec =>
  ({ scenario: scenarioOf(s), client: c, broker: b, protocol, device: { kind: "node", launch: () => Promise.reject(new Error("no")) }, dir: "", seed: 1, toxiproxyBin: "" }) as RunSpec;

const feature = { id: "v5.x", spec: "1.2.3", claim: "c" };

describe("gate: declared gaps, broker lacks and availability", () => {
  it("runs a compliance scenario whose feature the client declares unsupported as a probe, quoting the manifest", async () => {
    const g = await gate(spec({ requires: ["qos2"], feature }, client({ qos2: "README: no QoS 2" }), broker()));
    expect(g).toEqual({ probe: 'c declares "qos2" unsupported: README: no QoS 2' });
  });

  it("does not run a resilience scenario that needs a declared gap: unsupported with the reason", async () => {
    const g = await gate(spec({ requires: ["qos2"] }, client({ qos2: "no" }), broker()));
    expect(g).toEqual({ verdict: "unsupported", reason: 'c declares "qos2" unsupported: no' });
  });

  it("skips, never fails, a run on a broker that lacks the feature — even when the client declares it too", async () => {
    const g = await gate(spec({ requires: ["shared-subscriptions"], feature }, client({ "shared-subscriptions": "no" }), broker({ lacks: { "shared-subscriptions": "aedes 1.2 has none" } })));
    expect(g).toEqual({ verdict: "skip", reason: 'broker b lacks "shared-subscriptions": aedes 1.2 has none' });
  });

  it("skips a run on a broker that does not speak the protocol", async () => {
    const g = await gate(spec({ feature }, client({}), broker({ protocols: ["3.1.1"] })));
    expect(g).toMatchObject({ verdict: "skip" });
  });

  it("marks a protocol the client does not speak unsupported without running", async () => {
    const g = await gate(spec({ feature }, client({ mqtt5: "3.1.1 only" }, ["3.1.1"]), broker()));
    expect(g).toEqual({ verdict: "unsupported", reason: "c does not support MQTT 5: 3.1.1 only" });
  });

  it("skips with the broker's own reason when it cannot run here (no Docker engine)", async () => {
    const g = await gate(spec({ feature }, client({}), broker({ unavailable: async () => "no Docker engine here" })));
    expect(g).toEqual({ verdict: "skip", reason: "broker b cannot run here: no Docker engine here" });
  });

  it("lets an ordinary run through", async () => {
    expect(await gate(spec({ feature }, client({}), broker({ unavailable: async () => undefined })))).toEqual({});
  });
});

describe("clientConfig and TLS", () => {
  const d = { id: "faraday-x", port: 1, protocol: "3.1.1" as const, downTopic: "t/down" };
  it("hands the client the broker's CA when it asks for TLS", () => {
    expect(clientConfig({ tls: true }, { ...d, ca: "PEM" }).tls).toEqual({ ca: "PEM" });
  });
  it("leaves TLS out otherwise, even when the broker has a listener for it", () => {
    expect(clientConfig({}, { ...d, ca: "PEM" }).tls).toBeUndefined();
  });
  it("refuses TLS without a CA (the broker's settings did not ask for tls)", () => {
    expect(() => clientConfig({ tls: true }, d)).toThrow(/no TLS listener/);
  });
});
