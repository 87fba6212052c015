import { describe, expect, it } from "vitest";
import { atLeast, compareVersions, sameMinor, versionParts } from "../../src/tools/version.ts";

describe("version helpers", () => {
  it("parses dotted versions and ignores suffixes", () => {
    expect(versionParts("1.25.0+ds-1")).toEqual([1, 25, 0]);
    expect(versionParts("v2.12.0")).toEqual([2, 12, 0]);
    expect(versionParts("1.25.0.post2")).toEqual([1, 25, 0]);
    expect(versionParts("git")).toEqual([]);
  });
  it("compares numerically, not as strings", () => {
    expect(compareVersions("1.9.0", "1.25.0")).toBeLessThan(0);
    expect(compareVersions("1.25", "1.25.0")).toBe(0);
    expect(atLeast("1.26.1", "1.25.0")).toBe(true);
    expect(atLeast("1.24.9", "1.25.0")).toBe(false);
    expect(atLeast("git", "0.0.0")).toBe(false);
  });
  it("matches major.minor", () => {
    expect(sameMinor("1.25.3", "1.25.0")).toBe(true);
    expect(sameMinor("1.26.0", "1.25.0")).toBe(false);
  });
});
