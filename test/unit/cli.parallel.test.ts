import { describe, expect, it } from "vitest";
import { defaultParallel, parallelNote } from "../../src/cli/parallel.ts";

const GB = 1024 ** 3;

describe("--parallel defaults to what the machine carries", () => {
  it("an idle 2-core machine: two runs per core", () => {
    expect(defaultParallel({ cores: 2, load: 0, freeBytes: 20 * GB })).toBe(4);
  });
  it("the load takes its share of the cores", () => {
    expect(defaultParallel({ cores: 2, load: 1.2, freeBytes: 20 * GB })).toBe(3);
    expect(defaultParallel({ cores: 2, load: 1.6, freeBytes: 20 * GB })).toBe(1);
  });
  it("a saturated machine still runs one at a time", () => {
    expect(defaultParallel({ cores: 2, load: 9, freeBytes: 20 * GB })).toBe(1);
  });
  it("free memory caps it", () => {
    expect(defaultParallel({ cores: 16, load: 0, freeBytes: 0.9 * GB })).toBe(2);
    expect(defaultParallel({ cores: 16, load: 0, freeBytes: 0.1 * GB })).toBe(1);
  });
  it("the header says how it was chosen", () => {
    expect(parallelNote(3, { cores: 2, load: 0.44, freeBytes: 21.3 * GB })).toBe("parallel 3 (2 cores, load 0.4, 21.3 GB free)");
    expect(parallelNote(2, undefined)).toBe("parallel 2 (--parallel)");
  });
});
