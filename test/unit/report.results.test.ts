import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readResultsFile, readRunResult, ResultsSchemaError, summaryLines, writeResults, writeRunResult } from "../../src/report/results.ts";
import { cellKey, reproduceCommand, type RunResult } from "../../src/report/run.ts";
import { clientPathToken } from "../../src/devices/clients.ts";
import { firstSchemaError } from "../../src/report/schema.ts";
import { repoRoot } from "../../src/tools/paths.ts";

const run = (over: Partial<RunResult> = {}): RunResult => ({
  id: "broker-crash.mqtt_as.v3.1.1.mosquitto",
  scenario: "broker-crash",
  title: "Broker killed",
  client: "mqtt_as",
  clientRevision: "7b6a11d",
  device: "unix",
  protocol: "3.1.1",
  broker: "mosquitto",
  brokerDurable: true,
  seed: 7,
  reproduce: "faraday run broker-crash --client mqtt_as --client-path '<client-path #3f2a9c1b>' --protocol 3.1.1 --broker mosquitto --seed 7",
  verdict: "fail",
  startedAt: "2026-12-02T05:16:46.123Z",
  durationMs: 20_000,
  checks: [{ name: "reconnectsWithin", verdict: "fail", summary: "never reconnected", evidence: [{ t: 11_169.7, text: "healed at 11.170 s; never up again", charged: "client", seqs: [1, 2] }] }],
  cause: { line: "reconnectsWithin: healed at 11.170 s; never up again", source: "check", t: 11_169.7, check: "reconnectsWithin", follows: [] },
  dir: "",
  ...over,
});

const header = { faraday: "0.1.0+test", command: "faraday run broker-crash", seed: 7, startedAt: "2026-12-02T051646" };

describe("results.json: the schema, relative dirs, reproduce", () => {
  it("an invocation's results.json holds each run's folder relative to itself and validates against schemas/results.schema.json", () => {
    const inv = mkdtempSync(join(tmpdir(), "faraday-results-"));
    const runDir = join(inv, "broker-crash.mqtt_as.v3.1.1.mosquitto");
    mkdirSync(runDir);
    writeResults(inv, { ...header, runs: [run({ dir: runDir })] });
    const text = readFileSync(join(inv, "results.json"), "utf8");
    expect(text).not.toContain(inv);
    const data = JSON.parse(text);
    expect(data.runs[0].dir).toBe("broker-crash.mqtt_as.v3.1.1.mosquitto");
    expect(firstSchemaError("results", data)).toBeUndefined();
    // Identity, then the verdict and its cause, the checks last.
    expect(Object.keys(data.runs[0])).toEqual(["id", "scenario", "title", "client", "clientRevision", "device", "protocol", "broker", "brokerDurable", "seed", "reproduce", "startedAt", "dir", "verdict", "cause", "durationMs", "checks"]);
    // Readers get a path to use: resolved against the file.
    expect(readResultsFile(inv).runs[0]!.dir).toBe(runDir);
    expect(readResultsFile(join(inv, "results.json")).runs[0]!.dir).toBe(runDir);
  });

  it("a run's own results.json says dir \".\" and reads back as its folder", () => {
    const runDir = mkdtempSync(join(tmpdir(), "faraday-run-"));
    writeRunResult(runDir, run({ dir: runDir }));
    const data = JSON.parse(readFileSync(join(runDir, "results.json"), "utf8"));
    expect(data).toEqual({ runs: [expect.objectContaining({ dir: "." })] });
    expect(Object.keys(data)).toEqual(["runs"]);
    expect(readRunResult(runDir)!.dir).toBe(runDir);
  });

  it("a write that would not match the schema is a bug in faraday, named by its field", () => {
    const inv = mkdtempSync(join(tmpdir(), "faraday-results-"));
    expect(() => writeResults(inv, { ...header, runs: [run({ verdict: "meh" as never })] })).toThrow(ResultsSchemaError);
    expect(() => writeResults(inv, { ...header, runs: [run({ verdict: "meh" as never })] })).toThrow(/results\.json would not match schemas\/results\.schema\.json: \/runs\/0\/verdict must be one of pass, fail, unknown, error, unsupported, skip \(not "meh"\)/);
    expect(() => writeRunResult(inv, { ...run(), surprise: 1 } as RunResult)).toThrow(/\/runs\/0\/surprise is not a field of results/);
    expect(() => writeRunResult(inv, run({ reproduce: "faraday run x --client c --client-path /home/me/src/x --seed 1" }))).toThrow(/\/runs\/0\/reproduce must not match .* \(no absolute path\)/);
    expect(() => writeRunResult(inv, run({ checks: [{ name: "c", verdict: "error" as never, summary: "", evidence: [] }] }))).toThrow(/\/runs\/0\/checks\/0\/verdict must be one of pass, fail, unknown/);
  });

  it("a file written before: its absolute dirs still lead to the runs (beside the file when moved), its runs get a reproduce command", () => {
    const inv = mkdtempSync(join(tmpdir(), "faraday-legacy-"));
    mkdirSync(join(inv, "r1"));
    const legacy = { ...header, runs: [{ ...run({ id: "r1", dir: "/elsewhere/long/gone/r1" }), reproduce: undefined, cause: undefined }] };
    writeFileSync(join(inv, "results.json"), JSON.stringify(legacy));
    const read = readResultsFile(inv);
    expect(read.runs[0]!.dir).toBe(join(inv, "r1"));
    expect(() => readResultsFile(inv, { strict: true })).toThrow(/results\.json: \/runs\/0\/reproduce is missing \(required\)/);
    writeResults(inv, read);
    const again = JSON.parse(readFileSync(join(inv, "results.json"), "utf8"));
    expect(again.runs[0].dir).toBe("r1");
    // Its revision is a git describe: the client came from a folder, named by a placeholder.
    expect(again.runs[0].reproduce).toBe("faraday run broker-crash --client mqtt_as --client-path '<client-path>' --protocol 3.1.1 --broker mosquitto --seed 7");
    expect(firstSchemaError("results", again)).toBeUndefined();
  });

  it("damaged files are one line naming the file", () => {
    const inv = mkdtempSync(join(tmpdir(), "faraday-bad-"));
    expect(() => readResultsFile(inv)).toThrow(/holds no results\.json/);
    writeFileSync(join(inv, "results.json"), "{");
    expect(() => readResultsFile(inv)).toThrow(/results\.json is not JSON/);
    writeFileSync(join(inv, "results.json"), '{"runs": [{"id": 3}]}');
    expect(() => readResultsFile(inv)).toThrow(/results\.json: \/runs\/0 is not a run/);
  });

  it("reproduce: one cell, the same seed; the client folder never as an absolute path", () => {
    expect(reproduceCommand({ scenario: "broker-crash", client: "aiomqttc", device: "unix", protocol: "5", broker: "mosquitto", seed: 42 })).toBe("faraday run broker-crash --client aiomqttc --protocol 5 --broker mosquitto --seed 42");
    expect(reproduceCommand({ scenario: "broker-crash", client: "mqttjs", device: "node", protocol: "5", broker: "aedes", seed: 1 })).toBe("faraday run broker-crash --client mqttjs --device node --protocol 5 --broker aedes --seed 1");
    expect(clientPathToken(join(repoRoot, "test", "fixtures", "clients", "lossy"))).toBe("test/fixtures/clients/lossy");
    const outside = clientPathToken("/somewhere/else/micropython-mqtt");
    expect(outside).toMatch(/^'<client-path #[0-9a-f]{8}>'$/);
    expect(clientPathToken("/somewhere/else/micropython-mqtt")).toBe(outside);
    expect(clientPathToken("/somewhere/other")).not.toBe(outside);
    expect(clientPathToken(join(repoRoot, "a b"))).toBe("'a b'");
    expect(cellKey(run())).toBe("broker-crash.mqtt_as.v3.1.1.mosquitto");
  });

  it("the terminal shows the root cause first, before any check's evidence", () => {
    const lines = summaryLines(run());
    expect(lines[1]).toBe("    cause: reconnectsWithin: healed at 11.170 s; never up again");
    expect(lines[2]).toMatch(/^ {4}fail: reconnectsWithin: never reconnected/);
  });
});
