import { describe, expect, it } from "vitest";
import { connackReceived } from "../../src/checks/connackReceived.ts";
import { ctx, ev } from "./helpers.ts";

const brokerConnack = (t: number, sp: boolean, reason = 0, client = "dev") => ev(t, "broker", "connack", { client, sessionPresent: sp, reason, cleanStart: false });

describe("connackReceived", () => {
  it("takes the client's own Session Present when it reports one", () => {
    const events = [ev(100, "device", "up", { session_present: false }), ev(900, "device", "up", { session_present: true })];
    expect(connackReceived({ nth: 2, sessionPresent: true }).judge(events, ctx()).verdict).toBe("pass");
    expect(connackReceived({ nth: 1, sessionPresent: true }).judge(events, ctx()).verdict).toBe("fail");
  });

  it("falls back to the broker's CONNACK for the device's client id between its ups", () => {
    const events = [brokerConnack(90, false), ev(100, "device", "up"), brokerConnack(850, true, 0, "someone-else"), brokerConnack(880, true), ev(900, "device", "up")];
    const r = connackReceived({ nth: 2, sessionPresent: true, reason: 0 }).judge(events, ctx());
    expect(r.verdict).toBe("pass");
    expect(r.summary).toContain("(the broker's log)");
    expect(connackReceived({ nth: 1, sessionPresent: false, reason: 0 }).judge(events, ctx()).verdict).toBe("pass");
  });

  it("accepts the broker's log line read a moment after the client's up", () => {
    const events = [ev(100, "device", "up"), brokerConnack(140, false)];
    expect(connackReceived({ nth: 1, sessionPresent: false }).judge(events, ctx()).verdict).toBe("pass");
  });

  it("fails a client that reports another Session Present than the broker sent", () => {
    const events = [brokerConnack(90, true), ev(100, "device", "up", { session_present: false })];
    const r = connackReceived({ nth: 1 }).judge(events, ctx());
    expect(r.verdict).toBe("fail");
    expect(r.summary).toContain("the client reports Session Present 0 but the broker sent 1");
  });

  it("fails a connection that never came up, quoting the broker's answer and the client's complaint", () => {
    const events = [
      ev(100, "device", "up"),
      ev(500, "device", "op", { id: 4, op: "start", device: "dev1" }),
      brokerConnack(600, true),
      ev(610, "device", "log", { line: "Error in reconnect. (-1, 'CONNACK flags not 0')" }),
      ev(700, "device", "ack", { id: 4, ok: false, err: "OSError(-1)", device: "dev1" }),
    ];
    const r = connackReceived({ nth: 2, sessionPresent: true }).judge(events, ctx());
    expect(r.verdict).toBe("fail");
    expect(r.summary).toBe("the device's connection 2 never came up (1 connection(s))");
    expect(r.evidence.map((e) => e.text)).toEqual([
      "the broker sent CONNACK (Session Present 1, return code 0)",
      "client: Error in reconnect. (-1, 'CONNACK flags not 0')",
      "the client's connect failed: OSError(-1)",
    ]);
  });

  it("is unknown when neither the client nor the broker says", () => {
    expect(connackReceived({ nth: 1, sessionPresent: false }).judge([ev(100, "device", "up")], ctx()).verdict).toBe("unknown");
  });

  it("prefers the wire tap's CONNACK to the broker's log", () => {
    const tap = (t: number, sp: boolean) => ev(t, "wire", "packet", { dir: "down", conn: 1, cmd: "connack", sessionPresent: sp, returnCode: 0 });
    const events = [brokerConnack(90, false), tap(95, true), ev(100, "device", "up")];
    const r = connackReceived({ nth: 1, sessionPresent: true, reason: 0 }).judge(events, ctx());
    expect(r.verdict).toBe("pass");
    expect(r.summary).toContain("(the wire)");
  });
});
