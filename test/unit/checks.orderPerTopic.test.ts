import { describe, expect, it } from "vitest";
import { orderPerTopic } from "../../src/checks/orderPerTopic.ts";
import { ctx, devicePublish, ev, observerRecv, sortByT } from "./helpers.ts";

const judge = (events: ReturnType<typeof ev>[], c = ctx({ protocol: "5" })) => orderPerTopic().judge(sortByT(events), c);
const start = [ev(0, "broker", "ready"), ev(10, "observer", "up"), ev(50, "device", "up")];
const three = [...devicePublish(1, 100, 150), ...devicePublish(2, 200, 250), ...devicePublish(3, 300, 350)];

describe("orderPerTopic", () => {
  it("passes deliveries in publish order", () => {
    const r = judge([...start, ...three, observerRecv(140, 1), observerRecv(240, 2), observerRecv(340, 3)]);
    expect(r.verdict).toBe("pass");
    expect(r.summary).toContain("1 sender/topic pair(s)");
  });

  it("fails the first inversion with both seq numbers and times", () => {
    const r = judge([...start, ...three, observerRecv(140, 1), observerRecv(340, 3), observerRecv(360, 2)]);
    expect(r.verdict).toBe("fail");
    expect(r.summary).toBe("QoS 1 messages on f/up delivered out of order: seq 2 after seq 3");
    expect(r.evidence[0]!.text).toBe(
      "device→observer seq 2 on f/up delivered at 0.360 s after seq 3 (sent later, at 0.300 s) had arrived at 0.340 s, its first arrival",
    );
    expect(r.evidence[0]!.charged).toBe("client");
  });

  it("allows a resend after a reconnect to repeat older messages", () => {
    const events = [
      ...start,
      ...three,
      observerRecv(140, 1),
      observerRecv(240, 2),
      observerRecv(340, 3),
      ev(1_000, "device", "down"),
      ev(2_000, "device", "up"),
      observerRecv(2_100, 2),
      observerRecv(2_110, 3),
    ];
    const r = judge(events);
    expect(r.verdict).toBe("pass");
    expect(r.evidence[0]!.text).toContain("a repeat, the device (sender) reconnected at 2.000 s");
  });

  it("fails a repeat of an older message with no reconnect in between", () => {
    const r = judge([...start, ...three, observerRecv(140, 1), observerRecv(240, 2), observerRecv(340, 3), observerRecv(900, 1)]);
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toContain("a repeat (delivered before at 0.140 s) with no reconnect");
  });

  it("orders each topic on its own and ignores QoS 0", () => {
    const other = [
      ev(150, "device", "op", { id: 10, op: "publish", topic: "f/other", payload: "seq=10", qos: 1 }),
      ev(160, "observer", "recv", { topic: "f/other", payload: "seq=10", qos: 1 }),
      ev(400, "device", "op", { id: 11, op: "publish", topic: "f/up", payload: "seq=0", qos: 0 }),
      ev(410, "observer", "recv", { topic: "f/up", payload: "seq=0", qos: 0 }),
    ];
    expect(judge([...start, ...three, ...other, observerRecv(140, 1), observerRecv(240, 2), observerRecv(340, 3)]).verdict).toBe("pass");
  });

  it("cannot decide with fewer than two delivered QoS 1 messages on any topic", () => {
    expect(judge([]).verdict).toBe("unknown");
    expect(judge([...start, ...three, observerRecv(140, 1)]).verdict).toBe("unknown");
  });
});
