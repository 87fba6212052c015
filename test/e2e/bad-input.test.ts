import { describe, expect, it } from "vitest";
import { createServer } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { faraday, privateTmp, processesUnder } from "./lab.ts";

/** Each bad input: exit 2, one line on stderr that says what is wrong, nothing left running. */
function expectOneLineError(r: { code: number | null; stderr: string }, pattern: RegExp) {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

describe("bad input gets one clear line and exit 2", () => {
  it("an unknown scenario names the known ones", () => {
    expectOneLineError(faraday(["run", "brokr-crash"]), /unknown scenario "brokr-crash" \(known: .*broker-crash/);
  });
  it("an unknown client names the known ones", () => {
    expectOneLineError(faraday(["run", "broker-crash", "--client", "nope"]), /unknown client "nope" \(known: .*aiomqttc/);
  });
  it("a --client-path without the client's package says what it expected", () => {
    const empty = mkdtempSync(join(tmpdir(), "faraday-empty-"));
    expectOneLineError(faraday(["run", "broker-crash", "--client", "mqtt_as", "--client-path", empty]), /does not hold the mqtt_as package \(expected .*mqtt_as\/__init__\.py/);
  });
  it("mqtt_as without any --client-path asks for one", () => {
    expectOneLineError(faraday(["run", "broker-crash", "--client", "mqtt_as"], { env: { FARADAY_CLIENT_PATH: "" } }), /needs --client-path/);
  });
  it("a protocol other than 3.1.1 or 5", () => {
    expectOneLineError(faraday(["run", "broker-crash", "--protocol", "4.0"]), /unknown protocol "4.0" \(use 3.1.1, 5 or all\)/);
  });
  it("an unknown command", () => {
    expectOneLineError(faraday(["frobnicate"]), /unknown command "frobnicate"/);
  });
  it("a missing tool names it and the command that fixes it", () => {
    const r = faraday(["run", "broker-crash", "--device", "node"], { env: { FARADAY_TOOLS: mkdtempSync(join(tmpdir(), "faraday-notools-")), PATH: "/usr/bin:/bin" } });
    expectOneLineError(r, /toxiproxy-server.* not found — run: npx faraday setup/);
  });
  it("a busy broker port is named, the run is an error, and nothing is left running", async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const port = (srv.address() as { port: number }).port;
    const tmp = privateTmp();
    const out = join(tmp, "reports");
    const r = faraday(["run", "broker-crash", "--device", "node", "--protocol", "5", "--broker-port", String(port), "--out", out], { tmp });
    srv.close();
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(new RegExp(`ERROR .* port ${port} for mosquitto is busy`));
    expect(processesUnder(tmp)).toEqual([]);
  });
});

describe("a device that crashes at import", () => {
  it("is a lab error with the device's own last words, exit 2, nothing left running", () => {
    const client = mkdtempSync(join(tmpdir(), "faraday-crashing-client-"));
    writeFileSync(join(client, "faraday-client.json"), JSON.stringify({ name: "crashing", protocols: ["3.1.1"], unsupported: {} }));
    writeFileSync(join(client, "faraday_adapter.py"), "import crashing_client_that_does_not_exist\n");
    const tmp = privateTmp();
    const r = faraday(["run", "broker-crash", "--client-path", client, "--protocol", "3.1.1", "--out", join(tmp, "reports")], { tmp });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/ERROR .*device dev1 exited .* before its agent said hello; last output: .*ImportError: no module named 'crashing_client_that_does_not_exist'/);
    expect(processesUnder(tmp)).toEqual([]);
  });
});
