import { describe, expect, it } from "vitest";
import { peerRefused } from "../../src/checks/peerRefused.ts";
import { ctx, ev } from "./helpers.ts";

describe("peerRefused", () => {
  it("passes a refusal with an allowed return code", () => {
    const r = peerRefused({ peer: "x", codes: [4, 5] }).judge([ev(10, "peer", "refused", { peer: "x", reasonCode: 5, msg: "Connection refused: Not authorized" })], ctx());
    expect(r.verdict).toBe("pass");
  });

  it("fails an acceptance, another code, or a bare close unless allowed", () => {
    expect(peerRefused({ peer: "x", codes: [5] }).judge([ev(10, "peer", "up", { peer: "x", sessionPresent: false })], ctx()).verdict).toBe("fail");
    expect(peerRefused({ peer: "x", codes: [5] }).judge([ev(10, "peer", "refused", { peer: "x", reasonCode: 2 })], ctx()).verdict).toBe("fail");
    const closed = [ev(10, "peer", "refused", { peer: "x", closed: true })];
    expect(peerRefused({ peer: "x", codes: [5] }).judge(closed, ctx()).verdict).toBe("fail");
    expect(peerRefused({ peer: "x", codes: [5], closedOk: true }).judge(closed, ctx()).verdict).toBe("pass");
  });

  it("is unknown when the peer never tried", () => {
    expect(peerRefused({ peer: "x", codes: [5] }).judge([ev(10, "peer", "refused", { peer: "y", reasonCode: 5 })], ctx()).verdict).toBe("unknown");
  });
});
