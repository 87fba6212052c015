import { describe, expect, it } from "vitest";
import { qos1AtLeastOnce } from "../../src/checks/qos1AtLeastOnce.ts";
import { ctx, devicePublish, ev, observerRecv, sortByT } from "./helpers.ts";

const judge = (events: ReturnType<typeof ev>[], c = ctx()) => qos1AtLeastOnce().judge(sortByT(events), c);

describe("qos1AtLeastOnce", () => {
  it("passes when every acknowledged QoS 1 message arrived at least once (duplicates included)", () => {
    const r = judge([...devicePublish(1, 100, 150), observerRecv(140, 1), observerRecv(900, 1), ...devicePublish(2, 400, 450), observerRecv(440, 2)]);
    expect(r.verdict).toBe("pass");
    expect(r.summary).toContain("all 2 acknowledged QoS 1 messages delivered");
  });

  it("fails an acknowledged message that never arrived, naming it and the time", () => {
    const r = judge([...devicePublish(1, 100, 150), observerRecv(140, 1), ...devicePublish(2, 400, 12_304)]);
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toContain("seq 2 on f/up acknowledged to the client at 12.304 s, never delivered to the observer");
    expect(r.evidence[0]!.charged).toBe("client");
  });

  it("owes nothing for a message its sender gave up on, and says so", () => {
    const r = judge([...devicePublish(1, 100, 150), observerRecv(140, 1), ...devicePublish(2, 400, 3_400, false)]);
    expect(r.verdict).toBe("pass");
    expect(r.summary).toContain("1 given up by their sender, not owed");
    expect(r.evidence.at(-1)!.text).toContain("seq 2 on f/up given up by its sender at 3.400 s (timeout)");
  });

  it("charges a loss after a non-durable broker's crash to the broker", () => {
    const r = judge([...devicePublish(1, 100, 150), ev(5000, "broker", "exit", { how: "SIGKILL" })], ctx({ broker: { kind: "mosquitto", durable: false } }));
    expect(r.verdict).toBe("pass");
    expect(r.evidence[0]!.charged).toBe("broker");
  });

  it("judges QoS 1 only, and cannot decide without an acknowledged QoS 1 message", () => {
    expect(judge([]).verdict).toBe("unknown");
    expect(judge(devicePublish(1, 100, 200, false)).verdict).toBe("unknown");
    const qos2 = [ev(100, "device", "op", { id: 1, op: "publish", topic: "f/up", payload: "seq=1", qos: 2 }), ev(110, "device", "ack", { id: 1, ok: true })];
    expect(judge(qos2).verdict).toBe("unknown");
  });
});
