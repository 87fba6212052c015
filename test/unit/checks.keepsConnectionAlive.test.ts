import { describe, expect, it } from "vitest";
import { keepsConnectionAlive } from "../../src/checks/keepsConnectionAlive.ts";
import { ctx, ev } from "./helpers.ts";

const log = (t: number, line: string) => ev(t, "broker", "log", { line: `1795601960: ${line}` });
const c = ctx({ client: { ...ctx().client, keepalive: 4 } });

describe("keepsConnectionAlive", () => {
  const base = [ev(90, "broker", "connack", { client: "dev", sessionPresent: false }), ev(100, "device", "up")];
  const pings = [log(4_000, "Received PINGREQ from dev"), log(8_000, "Received PINGREQ from dev"), log(10_000, "Received PUBACK from dev (Mid: 1, RC:0)")];

  it("passes a client that pings within its keepalive and stays up to the end", () => {
    const r = keepsConnectionAlive().judge([...base, ...pings, ev(10_100, "lab", "device.stopping")], c);
    expect(r.verdict).toBe("pass");
    expect(r.summary).toContain("2 PINGREQ");
  });

  it("fails a silence longer than the keepalive", () => {
    const r = keepsConnectionAlive().judge([...base, log(5_000, "Received PINGREQ from dev"), log(10_000, "Received PINGREQ from dev"), ev(10_100, "lab", "device.stopping")], c);
    expect(r.verdict).toBe("fail");
    expect(r.summary).toContain("sent nothing for 5.0 s");
  });

  it("fails when the broker timed the client out or the client went down", () => {
    const out = keepsConnectionAlive().judge([...base, log(6_100, "Client dev has exceeded timeout, disconnecting."), ev(10_100, "lab", "device.stopping")], c);
    expect(out.verdict).toBe("fail");
    expect(out.summary).toContain("exceeded timeout");
    const down = keepsConnectionAlive().judge([...base, ...pings, ev(9_000, "device", "down"), ev(10_100, "lab", "device.stopping")], c);
    expect(down.verdict).toBe("fail");
  });

  it("ignores the down that stopping the device causes", () => {
    expect(keepsConnectionAlive().judge([...base, ...pings, ev(10_100, "lab", "device.stopping"), ev(10_200, "device", "down")], c).verdict).toBe("pass");
  });
});
