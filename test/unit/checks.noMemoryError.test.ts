import { describe, expect, it } from "vitest";
import { noMemoryError } from "../../src/checks/noMemoryError.ts";
import { ctx, ev } from "./helpers.ts";

const judge = (events: ReturnType<typeof ev>[]) => noMemoryError().judge(events, ctx());

describe("noMemoryError", () => {
  it("passes and reports the lowest free heap when nothing ran out", () => {
    const r = judge([ev(100, "device", "mem", { free: 15_000, alloc: 40_000 }), ev(900, "device", "mem", { free: 9_500, alloc: 45_000 })]);
    expect(r.verdict).toBe("pass");
    expect(r.summary).toContain("lowest free heap 9500 B at 0.900 s of 2 reading(s)");
  });

  it("fails on a MemoryError the client caught and printed", () => {
    const r = judge([ev(100, "device", "log", { line: "Error in reconnect. MemoryError: memory allocation failed, allocating 2048 bytes" })]);
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toMatch(/out of heap at 0\.100 s \(log\): Error in reconnect\. MemoryError/);
    expect(r.evidence[0]!.charged).toBe("client");
  });

  it("fails on an escaped MemoryError and on a device that died of one", () => {
    expect(judge([ev(100, "device", "error", { msg: "MemoryError", tb: "..." })]).verdict).toBe("fail");
    expect(judge([ev(100, "device", "exit", { code: 1, tail: "MemoryError: memory allocation failed" })]).verdict).toBe("fail");
  });

  it("judges a device without a heap on the MemoryError alone", () => {
    const r = judge([ev(100, "device", "mem", { free: 0, alloc: 1 })]);
    expect(r.verdict).toBe("pass");
    expect(r.summary).toContain("reports no free heap");
  });
});
