import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { faraday, privateTmp, processesUnder } from "./lab.ts";

/**
 * A small fleet with real processes: five MicroPython devices running the default client
 * (aiomqttc), each behind its own proxy on one real Toxiproxy, one real mosquitto; the access
 * point reboots under all of them. Every device is back, finds its session, loses nothing
 * acknowledged; results.json and report.html carry the fleet's figures.
 */
describe("a fleet of five behind one access point", () => {
  it("the default client rides an AP reboot: every device back, the figures in results.json and report.html", () => {
    const tmp = privateTmp();
    const out = join(tmp, "reports");
    const r = faraday(["run", "fleet-ap-reboot", "--protocol", "3.1.1", "--fleet-size", "5", "--seed", "7", "--out", out], { tmp });
    expect(r.stdout).toMatch(/PASS +fleet-ap-reboot +aiomqttc v3\.1\.1 mosquitto \(unix\)/);
    expect(r.code).toBe(0);
    const file = JSON.parse(readFileSync(join(out, "latest", "results.json"), "utf8")) as {
      runs: { reproduce: string; checks: { name: string; verdict: string; summary: string }[]; fleet: { size: number; reconnect: { lost: number; back: number; histogram: { counts: number[] } }; memory: { medianKb: number }[] } }[];
    };
    const run = file.runs[0]!;
    expect(run.reproduce).toMatch(/--fleet-size 5$/);
    expect(Object.fromEntries(run.checks.map((c) => [c.name, c.verdict]))).toMatchObject({
      fleetReconnectsWithin: "pass",
      fleetNoLostAcknowledged: "pass",
      fleetSessionsKept: "pass",
      fleetReconnectSpread: "pass",
    });
    expect(run.checks.find((c) => c.name === "fleetReconnectsWithin")!.summary).toMatch(/^5 reconnects of 5 device\(s\)/);
    expect(run.fleet.size).toBe(5);
    expect(run.fleet.reconnect).toMatchObject({ lost: 5, back: 5 });
    expect(run.fleet.reconnect.histogram.counts.reduce((a, b) => a + b, 0)).toBe(5);
    expect(run.fleet.memory.length).toBe(3);
    expect(run.fleet.memory.every((m) => m.medianKb > 0)).toBe(true);
    // Every device's events say which device.
    const runDir = join(out, "latest", "fleet-ap-reboot.aiomqttc.v3.1.1.mosquitto");
    const ups = readFileSync(join(runDir, "timeline.jsonl"), "utf8")
      .split("\n")
      .filter((l) => l.includes('"kind":"up"') && l.includes('"src":"device"'))
      .map((l) => (JSON.parse(l) as { device: string }).device);
    expect(new Set(ups)).toEqual(new Set(["dev1", "dev2", "dev3", "dev4", "dev5"]));
    const html = readFileSync(join(out, "latest", "report.html"), "utf8");
    expect(html).toContain("<h4>Fleet <span");
    expect(html).toMatch(/aria-label="reconnect times of fleet-ap-reboot/);
    expect(processesUnder(tmp)).toEqual([]);
  });
});
