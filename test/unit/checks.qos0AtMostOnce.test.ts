import { describe, expect, it } from "vitest";
import { qos0AtMostOnce } from "../../src/checks/qos0AtMostOnce.ts";
import { ctx, ev } from "./helpers.ts";

const pub0 = (id: number, t: number) => [
  ev(t, "device", "op", { id, op: "publish", topic: "f/up", payload: `seq=${id}`, qos: 0 }),
  ev(t + 5, "device", "ack", { id, ok: true }),
];
const recv0 = (t: number, seq: number) => ev(t, "observer", "recv", { topic: "f/up", payload: `seq=${seq}`, qos: 0 });
const judge = (events: ReturnType<typeof ev>[]) => qos0AtMostOnce().judge(events, ctx());

describe("qos0AtMostOnce", () => {
  it("passes when each QoS 0 message arrives once, and a lost one is allowed", () => {
    const r = judge([...pub0(1, 100), recv0(110, 1), ...pub0(2, 300)]);
    expect(r.verdict).toBe("pass");
    expect(r.summary).toContain("1 of 2 lost, which QoS 0 allows");
  });

  it("fails a QoS 0 message delivered twice, with both delivery times", () => {
    const r = judge([...pub0(1, 100), recv0(110, 1), recv0(2_310, 1)]);
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toBe("device→observer seq 1 on f/up (QoS 0) sent at 0.100 s, delivered 2 times: 0.110 s, 2.310 s");
    expect(r.evidence[0]!.charged).toBe("client");
  });

  it("judges the observer→device direction too", () => {
    const events = [
      ev(100, "observer", "publish", { id: 1, topic: "f/down", payload: "seq=1", qos: 0 }),
      ev(120, "device", "msg", { topic: "f/down", payload: "seq=1" }),
      ev(130, "device", "msg", { topic: "f/down", payload: "seq=1" }),
    ];
    expect(judge(events).verdict).toBe("fail");
  });

  it("counts a payload the sender really sent twice as two messages", () => {
    const events = [
      ev(100, "device", "op", { id: 1, op: "publish", topic: "f/up", payload: "hello", qos: 0 }),
      ev(110, "observer", "recv", { topic: "f/up", payload: "hello", qos: 0 }),
      ev(200, "device", "op", { id: 2, op: "publish", topic: "f/up", payload: "hello", qos: 0 }),
      ev(210, "observer", "recv", { topic: "f/up", payload: "hello", qos: 0 }),
    ];
    expect(judge(events).verdict).toBe("pass");
  });

  it("cannot decide without QoS 0 traffic, or when nothing reached the receiver", () => {
    expect(judge([]).verdict).toBe("unknown");
    expect(judge(pub0(1, 100)).verdict).toBe("unknown");
    const qos1 = [ev(100, "device", "op", { id: 1, op: "publish", topic: "f/up", payload: "seq=1", qos: 1 })];
    expect(judge(qos1).verdict).toBe("unknown");
  });
});
