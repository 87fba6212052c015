import { describe, expect, it } from "vitest";
import { onWire, wireMatches } from "../../src/checks/onWire.ts";
import { ctx, ev } from "./helpers.ts";

const pkt = (t: number, dir: "up" | "down", fields: Record<string, unknown>) => ev(t, "wire", "packet", { conn: 1, dir, ...fields });
const end = [ev(900, "lab", "device.stopping"), ev(950, "lab", "scenario.end")];

describe("wireMatches", () => {
  it("matches objects by the fields wanted, arrays and {hex} leaves exactly", () => {
    expect(wireMatches({ topic: "", props: { topicAlias: 1, x: 2 } }, { props: { topicAlias: 1 } })).toBe(true);
    expect(wireMatches({ props: { topicAlias: 2 } }, { props: { topicAlias: 1 } })).toBe(false);
    expect(wireMatches({ subscriptions: [{ topic: "a", qos: 1, nl: true }] }, { subscriptions: [{ topic: "a", qos: 1, nl: true }] })).toBe(true);
    expect(wireMatches({ subscriptions: [{ topic: "a", qos: 1, nl: false }] }, { subscriptions: [{ topic: "a", qos: 1, nl: true }] })).toBe(false);
    expect(wireMatches({ props: { correlationData: { hex: "00ff" } } }, { props: { correlationData: { hex: "00ff" } } })).toBe(true);
    expect(wireMatches({}, { props: { a: 1 } })).toBe(false);
  });
});

describe("onWire", () => {
  const alias = onWire({ dir: "up", cmd: "publish", where: { topic: "", props: { topicAlias: 1 } }, what: "alias only" });
  it("passes when such a packet went the wanted way, fails when only others did", () => {
    expect(alias.judge([pkt(1, "up", { cmd: "publish", topic: "", props: { topicAlias: 1 } }), ...end], ctx()).verdict).toBe("pass");
    const r = alias.judge([pkt(1, "up", { cmd: "publish", topic: "a/b", props: { topicAlias: 1 } }), pkt(2, "down", { cmd: "publish", topic: "", props: { topicAlias: 1 } }), ...end], ctx());
    expect(r.verdict).toBe("fail");
    expect(r.summary).toContain("1 other PUBLISH packet(s)");
  });

  it("absent: fails on a hit, passes on none over a finished run, unknown on a cut one", () => {
    const big = onWire({ dir: "up", cmd: "publish", where: { payloadBytes: 2048 }, absent: true, what: "oversize" });
    expect(big.judge([pkt(1, "up", { cmd: "publish", payloadBytes: 2048 }), ...end], ctx()).verdict).toBe("fail");
    expect(big.judge([pkt(1, "up", { cmd: "publish", payloadBytes: 10 }), ...end], ctx()).verdict).toBe("pass");
    expect(big.judge([pkt(1, "up", { cmd: "publish", payloadBytes: 10 })], ctx()).verdict).toBe("unknown");
  });

  it("is unknown without a wire tap", () => {
    expect(alias.judge([ev(1, "device", "up"), ...end], ctx()).verdict).toBe("unknown");
  });
});
