import { describe, expect, it } from "vitest";
import { decodeMpy, parseProbe, PROBE_CODE } from "../../src/tools/micropython.ts";

describe("micropython probe", () => {
  it("decodes sys.implementation._mpy of the 1.25 unix x64 build", () => {
    // 2822 = 0x0B06: mpy v6, sub-version 3, native arch 2 (x64)
    expect(decodeMpy(2822)).toEqual({ raw: 2822, version: "6.3", arch: 2 });
    expect(decodeMpy(6)).toEqual({ raw: 6, version: "6.0", arch: 0 });
  });
  it("parses the probe line", () => {
    expect(parseProbe("micropython 1.25.0 2822\n")).toEqual({ version: "1.25.0", mpy: { raw: 2822, version: "6.3", arch: 2 } });
    expect(parseProbe("warning: something\nmicropython 1.26.1 2822\n")?.version).toBe("1.26.1");
  });
  it("rejects output that is not the probe's", () => {
    expect(parseProbe("")).toBeUndefined();
    expect(parseProbe("Traceback (most recent call last):\nNameError")).toBeUndefined();
    expect(parseProbe("cpython 3.11.7 0")).toBeUndefined();
  });
  it("probe code is one line usable with -c", () => {
    expect(PROBE_CODE).not.toContain("\n");
    expect(PROBE_CODE).toContain("_mpy");
  });
});
