import { describe, expect, it } from "vitest";
import { goInstallArgs, MODULE, parseGoBuildInfo, parseToxiproxyVersion } from "../../src/tools/toxiproxy.ts";

describe("toxiproxy-server", () => {
  it("reads -version, and treats an unstamped build as unknown", () => {
    expect(parseToxiproxyVersion("toxiproxy-server version 2.12.0\n")).toBe("2.12.0");
    expect(parseToxiproxyVersion("toxiproxy-server version v2.5.0\n")).toBe("2.5.0");
    expect(parseToxiproxyVersion("toxiproxy-server version git\n")).toBeUndefined();
  });
  it("falls back to Go build info", () => {
    const out = "/tmp/server: go1.26.8\n\tpath\tgithub.com/Shopify/toxiproxy/v2/cmd/server\n\tmod\tgithub.com/Shopify/toxiproxy/v2\tv2.12.0\th1:d1x=\n";
    expect(parseGoBuildInfo(out)).toBe("2.12.0");
    expect(parseGoBuildInfo("\tmod\tgithub.com/other/thing\tv1.0.0\n")).toBeUndefined();
  });
  it("pins the module version and stamps it into the binary", () => {
    const args = goInstallArgs();
    expect(args[0]).toBe("install");
    expect(args.at(-1)).toBe(`${MODULE}/cmd/server@v2.12.0`);
    expect(args[1]).toBe(`-ldflags=-s -w -X ${MODULE}.Version=2.12.0`);
  });
});
