import { describe, expect, it } from "vitest";
import { loadScenarios } from "../../src/scenario/registry.ts";
import { BOTH, cellsOf, citing, feature } from "../../scenarios/compliance/feature.ts";

const def = {
  id: "utf8-thing",
  spec: { "3.1.1": "1.5.3", "5": "1.5.4" },
  claim: citing("a thing round trips", "MQTT-1.5.3-1", "MQTT-1.5.4-1"),
  run: async () => {},
  checks: () => [],
};

describe("compliance features across protocols", () => {
  it("gives one cell per protocol, the protocol first in its ids, with that protocol's section and claim", () => {
    const [v3, v5] = feature({ protocols: BOTH, ...def });
    expect(v3).toMatchObject({ id: "v3-utf8-thing", protocols: ["3.1.1"], title: "a thing round trips (MQTT-1.5.3-1) (MQTT 3.1.1 §1.5.3)" });
    expect(v3!.feature).toEqual({ id: "v3.utf8-thing", spec: "1.5.3", claim: "a thing round trips (MQTT-1.5.3-1)" });
    expect(v5).toMatchObject({ id: "v5-utf8-thing", protocols: ["5"], title: "a thing round trips (MQTT-1.5.4-1) (MQTT 5.0 §1.5.4)" });
    expect(v5!.feature).toEqual({ id: "v5.utf8-thing", spec: "1.5.4", claim: "a thing round trips (MQTT-1.5.4-1)" });
  });

  it("declares a feature of one protocol as one scenario, and cellsOf takes one protocol's cells from tables", () => {
    const only = feature({ protocol: "5", ...def, spec: "1.5.4", claim: "bare" });
    expect(only).toMatchObject({ id: "v5-utf8-thing", title: "bare (MQTT 5.0 §1.5.4)" });
    expect(cellsOf("3.1.1", feature({ protocols: BOTH, ...def }), only).map((s) => s.id)).toEqual(["v3-utf8-thing"]);
    expect(cellsOf("5", feature({ protocols: BOTH, ...def }), only).map((s) => s.id)).toEqual(["v5-utf8-thing", "v5-utf8-thing"]);
  });

  it("the catalogue: each protocol folder holds its protocol's cells, and every MQTT 3.1.1 feature but the ones MQTT 5 drops has an MQTT 5 cell", async () => {
    const all = [...(await loadScenarios()).values()].filter((e) => e.suite === "compliance");
    for (const e of all) expect(e.file.startsWith(e.scenario.protocols?.[0] === "5" ? "compliance/v5/" : "compliance/v3/"), e.scenario.id).toBe(true);
    const ids = new Set(all.map((e) => e.scenario.id));
    // MQTT 5 lets a broker accept a zero-byte client id with Clean Start 0 (§3.1.3.1).
    const v3Only = ["v3-client-id-empty-persistent"];
    const missing = [...ids].filter((id) => id.startsWith("v3-") && !ids.has(`v5-${id.slice(3)}`));
    expect(missing).toEqual(v3Only);
  });
});
