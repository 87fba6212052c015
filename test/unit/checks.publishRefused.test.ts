import { describe, expect, it } from "vitest";
import { publishRefused } from "../../src/checks/publishRefused.ts";
import { ctx, ev } from "./helpers.ts";

const op = ev(100, "device", "op", { device: "dev1", id: 5, op: "publish", topic: "f/big" });
const ack = (t: number, f: Record<string, unknown>) => ev(t, "device", "ack", { device: "dev1", id: 5, ...f });
const judge = (events: ReturnType<typeof ev>[], o: { closeAllowed?: boolean; localRefusal?: boolean } = {}) => publishRefused({ topic: "f/big", reasons: [0x95], ...o }).judge(events, ctx());

describe("publishRefused", () => {
  it("passes on a refusal with a wanted reason code, in a PUBACK or a server DISCONNECT", () => {
    expect(judge([op, ack(110, { ok: false, reason: 0x95 })]).verdict).toBe("pass");
    expect(judge([op, ev(105, "device", "disconnected", { reason: 0x95 }), ev(106, "device", "down")]).verdict).toBe("pass");
  });

  it("fails on acceptance or a wrong code", () => {
    expect(judge([op, ack(110, { ok: true, reason: 0 })]).summary).toContain("accepted");
    expect(judge([op, ack(110, { ok: false, reason: 0x97 })]).summary).toContain("refused with 0x97, wanted 0x95");
    expect(judge([op, ev(105, "device", "disconnected", { reason: 0x82 })]).summary).toContain("carried 0x82");
  });

  it("takes a bare close or the client's own refusal only when allowed", () => {
    expect(judge([op, ev(105, "device", "down")]).verdict).toBe("fail");
    expect(judge([op, ev(105, "device", "down")], { closeAllowed: true }).verdict).toBe("pass");
    expect(judge([op, ack(101, { ok: false, err: "too large" })]).verdict).toBe("fail");
    expect(judge([op, ack(101, { ok: false, err: "too large" })], { localRefusal: true }).verdict).toBe("pass");
  });

  it("does not count the lab's own stop as a refusal", () => {
    expect(judge([op, ack(110, { ok: true }), ev(200, "lab", "device.stopping"), ev(210, "device", "down")], { closeAllowed: true }).verdict).toBe("fail");
    expect(judge([ev(1, "device", "up")]).verdict).toBe("unknown");
  });
});
