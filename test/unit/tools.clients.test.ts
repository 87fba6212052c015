import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CLIENTS, clientComponents, clientPackageDir, clientSpec, pinnedVersion } from "../../src/tools/clients.ts";

describe("client table", () => {
  afterEach(() => {
    delete process.env.FARADAY_TOOLS;
  });
  it("every row pins one version of a wheel and names files to take", () => {
    const names = new Set<string>();
    for (const c of CLIENTS) {
      expect(() => pinnedVersion(c.pip)).not.toThrow();
      expect(c.files.length).toBeGreaterThan(0);
      for (const f of c.files) expect(path.isAbsolute(f) || f.includes("..")).toBe(false);
      expect(names.has(c.name)).toBe(false);
      names.add(c.name);
    }
  });
  it("has aiomqttc 1.0.7 as the default client", () => {
    expect(clientSpec("aiomqttc")).toEqual({ name: "aiomqttc", pip: "aiomqttc==1.0.7", files: ["aiomqttc.py"] });
    expect(clientComponents.map((c) => [c.name, c.wanted])).toContainEqual(["aiomqttc", "1.0.7"]);
  });
  it("rejects unpinned specs", () => {
    expect(pinnedVersion("aiomqttc==1.0.7")).toBe("1.0.7");
    expect(() => pinnedVersion("aiomqttc")).toThrow(/pin/);
    expect(() => pinnedVersion("aiomqttc>=1.0")).toThrow(/pin/);
  });
  it("places each client under the tools folder", () => {
    process.env.FARADAY_TOOLS = "/tmp/some-tools";
    expect(clientPackageDir("aiomqttc")).toBe("/tmp/some-tools/clients/aiomqttc");
    expect(() => clientPackageDir("nope")).toThrow(/unknown MicroPython client "nope"/);
  });
});
