import { describe, expect, it } from "vitest";
import { connectNotSent } from "../../src/checks/connectNotSent.ts";
import { ctx, ev } from "./helpers.ts";

const log = (t: number, line: string) => ev(t, "broker", "log", { line: `1795602672: ${line}` });
const first = [log(90, "Sending CONNACK to dev (0, 0)"), ev(100, "device", "up")];
const start = (t: number, ackT: number, err: string) => [ev(t, "device", "op", { id: 7, op: "start", device: "dev1" }), ev(ackT, "device", "ack", { id: 7, ok: false, err, device: "dev1" })];

describe("connectNotSent", () => {
  it("passes a connect the client refused before anything reached the broker", () => {
    const r = connectNotSent().judge([...first, ...start(1_000, 1_001, "Missing clientId for unclean clients")], ctx());
    expect(r.verdict).toBe("pass");
  });

  it("fails when the broker answered the CONNECT, even with a refusal", () => {
    const r = connectNotSent().judge([...first, ...start(1_000, 2_000, "OSError(-1, 'CONNACK reason code 0x2')"), log(1_990, "Sending CONNACK to 127.0.0.1 (0, 2)")], ctx());
    expect(r.verdict).toBe("fail");
    expect(r.summary).toContain("CONNACK to 127.0.0.1 (Session Present 0, return code 2)");
  });

  it("counts a log line read just after the answer, and only the last start", () => {
    expect(connectNotSent().judge([...first, ...start(1_000, 1_010, "x"), log(1_500, "Sending CONNACK to 127.0.0.1 (0, 2)")], ctx()).verdict).toBe("fail");
    expect(connectNotSent().judge([...first, ...start(1_000, 1_010, "x"), log(3_000, "Sending CONNACK to dev (0, 0)")], ctx()).verdict).toBe("pass");
  });

  it("is unknown without a start or without a broker that logs CONNACKs", () => {
    expect(connectNotSent().judge(first, ctx()).verdict).toBe("unknown");
    expect(connectNotSent().judge([ev(100, "device", "up"), ...start(1_000, 1_001, "x")], ctx()).verdict).toBe("unknown");
  });
});
