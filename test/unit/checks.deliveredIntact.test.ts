import { describe, expect, it } from "vitest";
import { deliveredIntact } from "../../src/checks/deliveredIntact.ts";
import { ctx, ev } from "./helpers.ts";

const big = "0123456789abcdef".repeat(4100);

describe("deliveredIntact", () => {
  it("passes an exact copy and quotes it by size, not in full", () => {
    const r = deliveredIntact({ to: "device", topic: "f/blob", payload: big, count: 1 }).judge([ev(10, "device", "msg", { topic: "f/blob", payload: big })], ctx());
    expect(r.verdict).toBe("pass");
    expect(r.evidence[0]!.text).toMatch(/^0\.010 s 65600 bytes, sha256 [0-9a-f]{16}…$/);
  });

  it("fails a cut payload with the offset where it differs", () => {
    const r = deliveredIntact({ to: "peer:p", topic: "f/blob", payload: big }).judge([ev(10, "peer", "recv", { peer: "p", topic: "f/blob", payload: big.slice(0, 65535) })], ctx());
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toContain("differs from character 65535 on (65535 characters received, 65600 sent)");
  });

  it("compares hex payloads as bytes and shortens long topics", () => {
    const topic = `f/${"x".repeat(300)}`;
    const r = deliveredIntact({ to: "device", topic, payload: "AB" }).judge([ev(10, "device", "msg", { topic, payload: { hex: "4142" } })], ctx());
    expect(r.verdict).toBe("pass");
    expect(r.summary).toContain("…(302 bytes)");
    expect(deliveredIntact({ to: "device", topic, payload: "AB" }).judge([], ctx()).verdict).toBe("fail");
  });
});
