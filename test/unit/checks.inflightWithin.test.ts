import { describe, expect, it } from "vitest";
import { inflightWithin } from "../../src/checks/inflightWithin.ts";
import { ctx, ev } from "./helpers.ts";

const down = (t: number, mid: number, qos = 1) => ev(t, "wire", "packet", { conn: 1, dir: "down", cmd: "publish", messageId: mid, qos });
const ack = (t: number, mid: number) => ev(t, "wire", "packet", { conn: 1, dir: "up", cmd: "puback", messageId: mid });
const judge = (events: ReturnType<typeof ev>[]) => inflightWithin({ max: 1 }).judge(events, ctx());

describe("inflightWithin", () => {
  it("passes when each message waited for the previous acknowledgement", () => {
    const r = judge([down(1, 1), ack(2, 1), down(3, 2), ack(4, 2)]);
    expect(r.verdict).toBe("pass");
    expect(r.summary).toContain("at most 1 of 2");
  });

  it("fails when the broker sent a second before the first was acknowledged", () => {
    const r = judge([down(1, 1), down(2, 2), ack(3, 1), ack(4, 2)]);
    expect(r.verdict).toBe("fail");
    expect(r.summary).toContain("2 QoS 1/2 messages in flight");
  });

  it("ignores QoS 0 and is unknown with nothing to judge or no tap", () => {
    expect(judge([down(1, 1, 0), down(2, 2, 0)]).verdict).toBe("unknown");
    expect(judge([ev(1, "device", "up")]).verdict).toBe("unknown");
  });
});
