import { describe, expect, it } from "vitest";
import { staysConnected } from "../../src/checks/staysConnected.ts";
import { ctx, ev } from "./helpers.ts";

const log = (t: number, line: string) => ev(t, "broker", "log", { line: `1795601960: ${line}` });

describe("staysConnected", () => {
  it("passes one connection to the end", () => {
    expect(staysConnected().judge([ev(100, "device", "up"), ev(2_000, "lab", "device.stopping"), ev(2_100, "device", "down")], ctx()).verdict).toBe("pass");
  });

  it("fails when the broker closed the connection for a malformed packet", () => {
    const r = staysConnected().judge([ev(100, "device", "up"), log(700, "Client dev disconnected due to malformed packet."), ev(2_000, "lab", "device.stopping")], ctx());
    expect(r.verdict).toBe("fail");
    expect(r.summary).toContain("disconnected due to malformed packet");
  });

  it("fails a reconnect and is unknown on a run cut short", () => {
    expect(staysConnected().judge([ev(100, "device", "up"), ev(700, "device", "up"), ev(2_000, "lab", "device.stopping")], ctx()).verdict).toBe("fail");
    expect(staysConnected().judge([ev(100, "device", "up")], ctx()).verdict).toBe("unknown");
  });

  it("ignores other clients", () => {
    expect(staysConnected().judge([ev(100, "device", "up"), log(700, "Client other disconnected due to protocol error."), ev(2_000, "lab", "device.stopping")], ctx()).verdict).toBe("pass");
  });
});
