// Issue 11 on the unix device: --board, a board's budgets (idle CPU) and a slow application,
// through the real CLI with real MicroPython, mosquitto and Toxiproxy; the deliberately broken
// fixture clients fail the check that names their bug, the default client passes it.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { faraday, privateTmp, processesUnder, readResults, repo } from "./lab.ts";

/** The one run folder of an invocation's latest results, and its timeline. */
function timelineOf(out: string): Record<string, unknown>[] {
  const latest = join(out, "latest");
  const dir = readdirSync(latest, { withFileTypes: true }).find((d) => d.isDirectory())!.name;
  return readFileSync(join(latest, dir, "timeline.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function run(args: string[]) {
  const tmp = privateTmp();
  const out = join(tmp, "reports");
  const r = faraday(["run", ...args, "--protocol", "3.1.1", "--out", out], { tmp });
  const said = `exit ${String(r.code)}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`;
  return { r, out, tmp, said };
}

const fixture = (name: string) => join(repo, "test", "fixtures", "clients", name);
const check = (out: string, name: string) => readResults(out).runs[0]!.checks.find((c) => c.name === name) as { name: string; verdict: string; summary: string; evidence: { text: string }[] };

describe("--board on the unix device", () => {
  it("--board esp8266: the board's heap, the client precompiled, the ESP8266's status codes; the board in results.json and the report", () => {
    const { r, out, tmp, said } = run(["ap-loss-short", "--board", "esp8266"]);
    expect(r.code, said).toBe(0);
    const results = JSON.parse(readFileSync(join(out, "latest", "results.json"), "utf8")) as { runs: { board?: string; reproduce: string }[] };
    expect(results.runs[0]!.board).toBe("esp8266");
    expect(results.runs[0]!.reproduce).toContain("--board esp8266");
    expect(readFileSync(join(out, "latest", "report.html"), "utf8")).toContain("as board esp8266");
    const tl = timelineOf(out);
    expect(tl.find((e) => e.src === "lab" && e.kind === "board")).toMatchObject({ name: "esp8266", heapKb: 79, precompiled: true, statuses: { GOT_IP: 5, CONNECTING: 1 } });
    // The heap the device really had: what the agent counts, free + allocated, is the board's.
    const mem = tl.find((e) => e.src === "device" && e.kind === "mem")!;
    expect(Number(mem.free) + Number(mem.alloc)).toBeLessThanOrEqual(79 * 1024);
    expect(typeof mem.low).toBe("number");
    // The AP loss as the ESP8266's driver shows it (aiomqttc never calls connect(): the station stays IDLE, 0).
    expect(tl.filter((e) => e.src === "device" && e.kind === "wlan").map((e) => e.why)).toEqual(expect.arrayContaining(["AP gone", "AP back"]));
    expect(tl.filter((e) => e.src === "device" && e.kind === "cpu").length).toBeGreaterThan(3);
    expect(processesUnder(tmp)).toEqual([]);
  });

  it("an unknown board is one line and exit 2, naming the boards", () => {
    const { r } = run(["ap-loss-short", "--board", "esp33"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('faraday: unknown board "esp33" (boards: esp32, esp8266, generic, rp2-pico-w)');
  });
});

describe("a board's budgets: a connected, idle client leaves the CPU idle", () => {
  it("the spinner fixture (it polls without sleeping, yielding, so heartbeats still come) fails idleCpu", () => {
    const { r, out, said } = run(["connected-idle", "--client-path", fixture("spinner")]);
    expect(r.code, said).toBe(1);
    const c = check(out, "idleCpu");
    expect(c.verdict).toBe("fail");
    expect(c.evidence[0]!.text).toMatch(/^idle [\d.]+ s–[\d.]+ s: \d+ ms of CPU in \d+ ms = [\d.]+ % > 5 % \(the process's CPU accounting\): it spins instead of sleeping$/);
    expect(check(out, "noBusyLoop")).toBeUndefined(); // its heartbeats would never have shown it
    console.log(`spinner, idle: ${c.summary}`);
  });

  it("the default client passes idleCpu, with the figures of every phase and the heap's low point", () => {
    const { r, out, said } = run(["connected-idle"]);
    expect(r.code, said).toBe(0);
    const c = check(out, "idleCpu");
    expect(c.verdict).toBe("pass");
    expect(c.evidence.map((e) => e.text).join("\n")).toMatch(/free heap at its low point: \d+ bytes/);
    console.log(`aiomqttc, idle: ${c.summary}`);
  });
});

describe("a slow application: the device's loop blocked while a burst arrives", () => {
  it("the hasty fixture (drops a burst silently) fails burstAccounted, naming what it lost", () => {
    const { r, out, said } = run(["slow-application", "--client-path", fixture("hasty")]);
    expect(r.code, said).toBe(1);
    const c = check(out, "burstAccounted");
    expect(c.verdict).toBe("fail");
    expect(c.evidence[0]!.text).toMatch(/^\d+ message\(s\) silently lost: 20 published in the burst .* it has no drop counter of its own \(mem\.client\); never delivered: seq=\d+/);
  });

  it("the default client passes: every message of the burst reaches the application once, in order", () => {
    const { r, out, said } = run(["slow-application"]);
    expect(r.code, said).toBe(0);
    expect(check(out, "burstAccounted").summary).toMatch(/in order, each once; 20 published in the burst .* 20 delivered, 0 never delivered/);
  });
});
