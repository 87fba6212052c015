import { describe, expect, it } from "vitest";
import { serverDisconnected } from "../../src/checks/serverDisconnected.ts";
import { ctx, ev } from "./helpers.ts";

const judge = (events: ReturnType<typeof ev>[]) => serverDisconnected({ reason: 0x8e }).judge(events, ctx());

describe("serverDisconnected", () => {
  it("passes when the client reported the server's DISCONNECT with the reason", () => {
    expect(judge([ev(1, "device", "up"), ev(2, "device", "disconnected", { reason: 0x8e }), ev(3, "device", "down")]).verdict).toBe("pass");
  });

  it("fails on another reason, or on a bare close", () => {
    expect(judge([ev(2, "device", "disconnected", { reason: 0x8b })]).summary).toContain("reason 139, wanted 0x8E");
    expect(judge([ev(1, "device", "up"), ev(3, "device", "down")]).summary).toContain("went down but reported no DISCONNECT");
  });

  it("ignores what happens once the lab stops the device", () => {
    expect(judge([ev(1, "device", "up"), ev(2, "lab", "device.stopping"), ev(3, "device", "disconnected", { reason: 0x8e })]).verdict).toBe("fail");
  });
});
