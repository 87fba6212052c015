// The compliance path end to end: a feature scenario through the real CLI, on every local
// broker kind (one feature each), the container kinds skipped quickly without a Docker engine,
// and a manifest that is wrong both ways showing up as "declared vs found".
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { faraday, privateTmp, processesUnder, repo } from "./lab.ts";

interface Cell {
  verdict: string;
  reason?: string;
  broker: string;
  protocol: string;
  feature?: { id: string; spec: string };
  declared?: string;
  probe?: string;
  durationMs: number;
}
interface Results {
  runs: Cell[];
  compliance?: { cells: number; byVerdict: Record<string, number>; differences: { kind: string; feature: string }[] };
}
const results = (out: string): Results => JSON.parse(readFileSync(join(out, "latest", "results.json"), "utf8"));

describe("compliance features through the CLI", () => {
  it("one feature per local broker kind passes on the MQTT.js reference, each cell naming its feature and spec section", () => {
    const tmp = privateTmp();
    const out = join(tmp, "reports");
    const r = faraday(["run", "v3-retain-set", "v5-user-property-one", "--device", "node", "--broker", "all", "--parallel", "2", "--out", out], { tmp });
    const cells = results(out).runs;
    const by = (b: string, p: string) => cells.find((c) => c.broker === b && c.protocol === p);
    for (const b of ["mosquitto", "mochi", "aedes"]) {
      expect(by(b, "3.1.1")?.verdict, `${b} v3.1.1: ${r.stdout}`).toBe("pass");
      expect(by(b, "3.1.1")?.feature).toEqual({ id: "v3.retain-set", spec: "3.3.1.3", claim: expect.any(String) });
    }
    expect(by("mosquitto", "5")?.verdict).toBe("pass");
    // mochi answers a QoS 1 publish carrying User Properties with an invalid PUBACK: its gap, a skip with the reason.
    expect(by("mochi", "5")).toMatchObject({ verdict: "skip", reason: expect.stringMatching(/mochi lacks "qos1-user-properties": .*0x01/) });
    // aedes speaks 3.1.1 only: its v5 cell is the broker's gap, never the client's.
    expect(by("aedes", "5")).toMatchObject({ verdict: "skip", reason: expect.stringMatching(/aedes does not speak MQTT 5/) });
    // No Docker engine here: the container kinds are skipped with the reason, in no time.
    for (const b of ["emqx", "hivemq", "mosquitto-container"])
      for (const c of cells.filter((x) => x.broker === b)) {
        expect(c.verdict).toBe("skip");
        expect(c.reason).toMatch(/Docker engine/);
        expect(c.durationMs).toBeLessThan(2000);
      }
    // Each feature scenario runs only in its own protocol: 2 features × 6 broker kinds.
    expect(cells).toHaveLength(12);
    expect(r.code).toBe(0);
    expect(processesUnder(tmp)).toEqual([]);
  });

  it("a declared gap that works is unsupported with probe pass, and is listed as a difference", () => {
    const tmp = privateTmp();
    const out = join(tmp, "reports");
    const r = faraday(["run", "v3-retain-set", "--client-path", join(repo, "test", "fixtures", "clients", "modest"), "--out", out], { tmp });
    const res = results(out);
    expect(res.runs[0]).toMatchObject({ verdict: "unsupported", probe: "pass", declared: expect.stringMatching(/declares "retain" unsupported/) });
    expect(res.compliance?.differences).toEqual([expect.objectContaining({ kind: "declared-unsupported-but-works", feature: "v3.retain-set" })]);
    expect(r.stdout).toMatch(/declared gap works +v3\.retain-set/);
    // Unsupported is not a failure: CI stays green on a declared gap.
    expect(r.code).toBe(0);
    const html = readFileSync(join(out, "latest", "report.html"), "utf8");
    expect(html).toContain("Declared vs found");
    expect(html).toContain("probe: pass");
  });
});
