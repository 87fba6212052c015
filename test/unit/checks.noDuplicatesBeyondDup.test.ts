import { describe, expect, it } from "vitest";
import { noDuplicatesBeyondDup } from "../../src/checks/noDuplicatesBeyondDup.ts";
import { ctx, devicePublish, ev, observerRecv, sortByT } from "./helpers.ts";

const judge = (events: ReturnType<typeof ev>[], c = ctx()) => noDuplicatesBeyondDup().judge(sortByT(events), c);
const v5 = ctx({ protocol: "5" });
const start = [ev(0, "broker", "ready"), ev(10, "observer", "up"), ev(50, "device", "up")];

describe("noDuplicatesBeyondDup", () => {
  it("passes single deliveries", () => {
    const r = judge([...start, ...devicePublish(1, 100, 150), observerRecv(140, 1)]);
    expect(r.verdict).toBe("pass");
    expect(r.summary).toBe("each of 1 delivered QoS 1 messages arrived once");
  });

  it("allows a duplicate after the sender reconnected (its resend of an unacknowledged publish)", () => {
    const r = judge([...start, ...devicePublish(1, 100, 4_200), observerRecv(140, 1), ev(3_000, "device", "down"), ev(4_000, "device", "up"), observerRecv(4_100, 1)]);
    expect(r.verdict).toBe("pass");
    expect(r.evidence[0]!.text).toContain("a resend, the device (sender) reconnected at 4.000 s");
  });

  it("allows a duplicate the broker held queued when the sender reconnected before the first delivery", () => {
    // The observer is away; the device resends seq 1 on its reconnect; both copies wait for the observer.
    const events = [
      ...start,
      ev(90, "observer", "down"),
      ...devicePublish(1, 100, 4_200),
      ev(3_000, "device", "down"),
      ev(4_000, "device", "up"),
      ev(6_000, "observer", "up"),
      observerRecv(6_010, 1),
      observerRecv(6_011, 1),
    ];
    expect(judge(events, v5).verdict).toBe("pass");
  });

  it("allows a duplicate after the receiver reconnected, or the broker restarted", () => {
    const receiver = [...start, ...devicePublish(1, 100, 150), observerRecv(140, 1), ev(500, "observer", "down"), ev(700, "observer", "up"), observerRecv(710, 1)];
    expect(judge(receiver, v5).verdict).toBe("pass");
    const broker = [...start, ...devicePublish(1, 100, 150), observerRecv(140, 1), ev(500, "broker", "exit", { how: "SIGKILL" }), ev(900, "broker", "ready"), observerRecv(950, 1)];
    expect(judge(broker, v5).verdict).toBe("pass");
  });

  it("fails a duplicate with no reconnect in between, giving both delivery times", () => {
    const r = judge([...start, ...devicePublish(1, 100, 150), observerRecv(140, 1), observerRecv(7_500, 1)], v5);
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toBe(
      "device→observer seq 1 on f/up sent at 0.100 s, delivered at 0.140 s and again at 7.500 s with no reconnect of either side or broker restart in between: no resend was due",
    );
    expect(r.evidence[0]!.charged).toBe("client");
  });

  it("a receiver reconnect before the first delivery does not explain a later duplicate", () => {
    const events = [...start, ...devicePublish(1, 1_000, 1_050), ev(500, "observer", "down"), ev(700, "observer", "up"), observerRecv(1_040, 1), observerRecv(2_000, 1)];
    expect(judge(events, v5).verdict).toBe("fail");
  });

  it("under 3.1.1 allows a DUP resend on the same connection while the publish is unanswered past the response time", () => {
    // response_time 3 s: the client resends at ~3.1 s, the PUBACK of the resend answers it at 3.2 s.
    const events = [...start, ...devicePublish(1, 100, 3_200), observerRecv(140, 1), observerRecv(3_150, 1)];
    expect(judge(events).verdict).toBe("pass");
    expect(judge(events).evidence[0]!.text).toContain("MQTT 3.1.1 lets the client resend it with DUP");
    expect(judge(events, v5).verdict).toBe("fail");
    // Answered promptly: no resend was due, even under 3.1.1.
    expect(judge([...start, ...devicePublish(1, 100, 150), observerRecv(140, 1), observerRecv(160, 1)]).verdict).toBe("fail");
  });

  it("judges the observer→device direction with the device as receiver", () => {
    const events = [
      ...start,
      ev(100, "observer", "publish", { id: 1, topic: "f/down", payload: "seq=1", qos: 1 }),
      ev(120, "observer", "puback", { id: 1 }),
      ev(130, "device", "msg", { topic: "f/down", payload: "seq=1" }),
      ev(2_000, "device", "msg", { topic: "f/down", payload: "seq=1" }),
    ];
    expect(judge(events).verdict).toBe("fail");
    const withReconnect = [...events, ev(1_000, "device", "down"), ev(1_900, "device", "up")];
    const r = judge(withReconnect);
    expect(r.verdict).toBe("pass");
    expect(r.evidence[0]!.text).toContain("the device (receiver) reconnected at 1.900 s");
  });

  it("cannot decide when no QoS 1 message was delivered", () => {
    expect(judge([]).verdict).toBe("unknown");
    expect(judge([...start, ...devicePublish(1, 100, 150)]).verdict).toBe("unknown");
  });
});
