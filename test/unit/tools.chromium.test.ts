import { describe, expect, it } from "vitest";
import { chromium, parseChromiumVersion } from "../../src/tools/chromium.ts";
import { components } from "../../src/tools/components.ts";

describe("chromium (Debian's, for the report's browser test)", () => {
  it("reads chromium --version", () => {
    expect(parseChromiumVersion("Chromium 156.0.8078.114 built on Debian GNU/Linux 12 (bookworm)\n")).toBe("156.0.8078.114");
    // Debian's wrapper may print a shell complaint first.
    expect(parseChromiumVersion("/usr/bin/chromium: 9: [: x: unexpected operator\nChromium 157.0.1.2 built on Debian\n")).toBe("157.0.1.2");
    expect(parseChromiumVersion("Google Chrome 156.0.1")).toBeUndefined();
  });
  it("is an optional apt component that setup installs and doctor lists", () => {
    expect(chromium.optional).toBe(true);
    expect(chromium.method).toBe("apt-get install chromium");
    expect(components().map((c) => c.name)).toContain("chromium");
  });
});
