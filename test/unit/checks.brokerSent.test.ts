import { describe, expect, it } from "vitest";
import { brokerReceived, brokerSent, wirePublishes } from "../../src/checks/brokerSent.ts";
import { ctx, ev } from "./helpers.ts";

const log = (t: number, line: string) => ev(t, "broker", "log", { line: `1795601960: ${line}` });

describe("brokerSent", () => {
  const resend = [
    log(10, "Sending PUBLISH to dev (d0, q1, r0, m1, 'f/cmd', ... (9 bytes))"),
    log(900, "Sending PUBLISH to dev (d1, q1, r0, m1, 'f/cmd', ... (9 bytes))"),
    log(905, "Received PUBACK from dev (Mid: 1, RC:0)"),
    log(906, "Sending PUBLISH to other (d1, q1, r0, m1, 'f/cmd', ... (9 bytes))"),
  ];

  it("reads sends and answers per client, the answer going to the latest send of that mid", () => {
    const w = wirePublishes(resend, "dev");
    expect(w.map((x) => [x.dup, x.completedAt])).toEqual([
      [false, undefined],
      [true, 905],
    ]);
  });

  it("passes a resend with DUP 1 that the client PUBACKed", () => {
    expect(brokerSent({ topic: "f/cmd", dup: true, qos: 1, completed: true }).judge(resend, ctx()).verdict).toBe("pass");
  });

  it("fails when the client never answered", () => {
    const r = brokerSent({ topic: "f/cmd", dup: true, completed: true }).judge(resend.slice(0, 2), ctx());
    expect(r.verdict).toBe("fail");
    expect(r.evidence[1]!.text).toContain("the client never sent PUBACK");
  });

  it("follows a QoS 2 exchange to its PUBCOMP", () => {
    const events = [log(1, "Sending PUBLISH to dev (d0, q2, r0, m2, 'f/q2', ... (3 bytes))"), log(2, "Received PUBREC from dev (Mid: 2)"), log(3, "Sending PUBREL to dev (m2)")];
    expect(brokerSent({ topic: "f/q2", qos: 2, completed: true }).judge(events, ctx()).verdict).toBe("fail");
    expect(brokerSent({ topic: "f/q2", qos: 2, completed: true }).judge([...events, log(4, "Received PUBCOMP from dev (Mid: 2, RC:0)")], ctx()).verdict).toBe("pass");
  });

  it("compares flags and counts exactly", () => {
    const events = [log(1, "Sending PUBLISH to dev (d0, q0, r1, m0, 'f/a b', ... (3 bytes))")];
    expect(brokerSent({ topic: "f/a b", qos: 0, retain: true, count: 1 }).judge(events, ctx()).verdict).toBe("pass");
    expect(brokerSent({ topic: "f/a b", qos: 1 }).judge(events, ctx()).verdict).toBe("fail");
    expect(brokerSent({ topic: "f/a b", count: 2 }).judge(events, ctx()).verdict).toBe("fail");
  });

  it("is unknown when the broker does not log its packets", () => {
    expect(brokerSent({ topic: "f/cmd" }).judge([ev(1, "broker", "log", { line: "started" })], ctx()).verdict).toBe("unknown");
  });
});

describe("brokerReceived", () => {
  it("finds the device's resend with DUP 1 on the topic", () => {
    const events = [log(5, "Received PUBLISH from other (d1, q1, r0, m3, 'f/up', ... (2 bytes))"), log(10, "Received PUBLISH from dev (d1, q1, r0, m3, 'f/up', ... (2 bytes))")];
    expect(brokerReceived({ topic: "f/up", dup: true, qos: 1 }).judge(events, ctx()).verdict).toBe("pass");
    const r = brokerReceived({ topic: "f/up", dup: true }).judge([log(10, "Received PUBLISH from dev (d0, q1, r0, m4, 'f/up', ... (2 bytes))")], ctx());
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toContain("DUP 0 ≠ 1");
    expect(brokerReceived({ topic: "f/up" }).judge([log(1, "Sending CONNACK to dev (0, 0)")], ctx()).verdict).toBe("fail");
  });

  it("prefers the wire tap: what the client wrote, whatever the broker logs", () => {
    const tap = (t: number, dup: boolean) => ev(t, "wire", "packet", { dir: "up", conn: 2, cmd: "publish", topic: "f/up", qos: 1, dup, retain: false, messageId: 9, payloadBytes: 2 });
    const events = [ev(1, "wire", "packet", { dir: "up", conn: 1, cmd: "connect" }), tap(10, false), log(11, "Received PUBLISH from dev (d1, q1, r0, m9, 'f/up', ... (2 bytes))")];
    const r = brokerReceived({ topic: "f/up", dup: true }).judge(events, ctx());
    expect(r.verdict).toBe("fail");
    expect(brokerReceived({ topic: "f/up", dup: true }).judge([...events, tap(12, true)], ctx()).verdict).toBe("pass");
  });

  it("afterReconnect: a DUP 1 resend on the same, dead connection does not count", () => {
    const pub = (t: number, conn: number, dup: boolean) => ev(t, "wire", "packet", { dir: "up", conn, cmd: "publish", topic: "f/up", qos: 1, dup, retain: false, messageId: 1, payloadBytes: 2 });
    const same = [pub(10, 1, false), pub(3_000, 1, true)];
    const r = brokerReceived({ topic: "f/up", dup: true, afterReconnect: true }).judge(same, ctx());
    expect(r.verdict).toBe("fail");
    expect(r.evidence[1]!.text).toContain("on connection 1 — not after a reconnect");
    expect(brokerReceived({ topic: "f/up", dup: true, afterReconnect: true }).judge([...same, pub(6_000, 2, true)], ctx()).verdict).toBe("pass");
  });
});
