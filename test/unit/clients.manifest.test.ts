import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { knownClients, loadManifest, manifestSchemaFile } from "../../src/devices/clients.ts";
import { InputError } from "../../src/lab/errors.ts";
import { promisedTiming } from "../../src/mqtt/client.ts";

const repo = resolve(import.meta.dirname, "..", "..");

function manifestFile(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), "faraday-manifest-"));
  const file = join(dir, "faraday-client.json");
  writeFileSync(file, content);
  return file;
}

/** The one line loadManifest throws for `content`, without the file's name. */
function problem(content: unknown): string {
  const file = manifestFile(typeof content === "string" ? content : JSON.stringify(content));
  try {
    loadManifest(file);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    const msg = (err as Error).message;
    expect(msg.startsWith(`${file}: `)).toBe(true);
    expect(msg).not.toContain("\n");
    return msg.slice(file.length + 2);
  }
  throw new Error("the manifest was accepted");
}

const good = { name: "x", protocols: ["3.1.1"], unsupported: {} };

describe("client manifests and their published schema", () => {
  it("is a draft 2020-12 JSON Schema", () => {
    const schema = JSON.parse(readFileSync(manifestSchemaFile, "utf8")) as { $schema: string };
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
  });

  it("accepts every manifest in the repository", () => {
    const files = [
      ...knownClients().map((n) => join(repo, "fixtures", "clients", `${n}.json`)),
      ...readdirSync(join(repo, "test", "fixtures", "clients")).map((d) => join(repo, "test", "fixtures", "clients", d, "faraday-client.json")),
    ];
    expect(files.length).toBeGreaterThanOrEqual(7);
    for (const f of files) expect(loadManifest(f).name).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
  });

  it("derives the lab's timing from the promises, else the older timing, else the defaults", () => {
    const m = (over: object) => ({ name: "x", protocols: ["3.1.1" as const], unsupported: {}, ...over });
    expect(promisedTiming(m({}))).toEqual({ outageDetection: 1.5, reconnectDelay: 1, wifiStableWait: 0 });
    expect(promisedTiming(m({ timing: { reconnectDelay: 2, wifiStableWait: 5 } }))).toEqual({ outageDetection: 1.5, reconnectDelay: 2, wifiStableWait: 5 });
    const both = m({ timing: { reconnectDelay: 9 }, promises: { reconnectPause: { seconds: 2, doc: "d" }, outageDetection: { keepalives: 2, doc: "d" } } });
    expect(promisedTiming(both)).toEqual({ outageDetection: 2, reconnectDelay: 2, wifiStableWait: 0 });
    // The manifests' promises keep the bounds they had as `timing` (mqtt_as: 2 s, 5 s, 1.5).
    expect(promisedTiming(loadManifest(join(repo, "fixtures", "clients", "mqtt_as.json")))).toEqual({ outageDetection: 1.5, reconnectDelay: 2, wifiStableWait: 5 });
    expect(promisedTiming(loadManifest(join(repo, "fixtures", "clients", "aiomqttc.json")))).toEqual({ outageDetection: 1.5, reconnectDelay: 1, wifiStableWait: 0 });
    expect(promisedTiming(loadManifest(join(repo, "fixtures", "clients", "mqttjs.json")))).toEqual({ outageDetection: 1.5, reconnectDelay: 1, wifiStableWait: 0 });
  });

  it("names the field and what it wants", () => {
    expect(problem({ ...good, protocols: ["4"] })).toBe('/protocols/0 must be one of 3.1.1, 5 (not "4")');
    expect(problem({ name: "x", protocols: ["3.1.1"] })).toBe("/unsupported is missing (required)");
    expect(problem({ ...good, protocols: [] })).toMatch(/^\/protocols must NOT have fewer than 1 items/);
    expect(problem({ ...good, protocol: ["5"] })).toMatch(/^\/protocol is not a manifest field/);
    expect(problem({ ...good, unsupported: { qos2: 5 } })).toBe("/unsupported/qos2 must be a string (not 5)");
    expect(problem({ ...good, timing: { reconnectDelay: "2" } })).toBe('/timing/reconnectDelay must be a number (not "2")');
    expect(problem({ ...good, promises: { ping: { keepaliveFraction: 0.25, since: "pingreq", granularityS: 0 } } })).toBe("/promises/ping/doc is missing (required)");
    expect(problem({ ...good, promises: { resend: { doc: "README", withinConnection: true, onReconnect: "other-id" } } })).toMatch(/^\/promises\/resend\/onReconnect must be one of new-id, same-id, none/);
    expect(problem({ ...good, source: "git" })).toBe('/source must be one of pypi, path, node (not "git")');
    expect(problem({ ...good, source: "pypi" })).toBe("/pip is missing (required)");
    expect(problem({ ...good, source: "pypi", pip: { requirement: "x>=1", files: ["x.py"] } })).toMatch(/^\/pip\/requirement "x>=1" must match/);
    expect(problem([])).toBe("the manifest must be an object");
  });

  it("refuses a name that is not one plain folder name", () => {
    for (const name of ["../../escape", "a/b", "..", ".hidden", "", "a b", "x\u001b[2J"])
      expect(problem({ ...good, name })).toMatch(/^\/name .* must match \^\[A-Za-z0-9\]|^\/name must NOT have/);
  });

  it("says where JSON is broken, and that an empty file is not JSON", () => {
    expect(problem('{"name": "x",\n  "protocols": ["3.1.1"],, }')).toMatch(/^not valid JSON — .* at line 2 column \d+$/);
    expect(problem("")).toMatch(/^not valid JSON — Unexpected end of JSON input/);
  });

  it("says when the manifest is a folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "faraday-manifest-"));
    expect(() => loadManifest(dir)).toThrow(`${dir}: is a folder, not a file`);
  });
});
