import { describe, expect, it } from "vitest";
import { expiryCountsDown } from "../../src/checks/expiryCountsDown.ts";
import { ctx, ev } from "./helpers.ts";

const pub = (t: number, sent = 120) => ev(t, "peer", "publish", { peer: "pub", topic: "f/x", payload: "long", qos: 1, props: { messageExpiryInterval: sent } });
const got = (t: number, v: unknown) => ev(t, "device", "msg", { topic: "f/x", payload: "long", ...(v === undefined ? {} : { props: { messageExpiryInterval: v } }) });
const judge = (events: ReturnType<typeof ev>[]) => expiryCountsDown({ to: "device", topic: "f/x", payload: "long", sent: 120 }).judge(events, ctx());

describe("expiryCountsDown", () => {
  it("passes when the interval went down by the seconds the message waited", () => {
    expect(judge([pub(1000), got(4000, 117)]).verdict).toBe("pass");
    expect(judge([pub(1000), got(4000, 116)]).verdict).toBe("pass"); // a whole-second broker clock may count one more
    expect(judge([pub(1000), got(1005, 120)]).verdict).toBe("pass"); // passed on at once
  });

  it("fails when the interval was not counted down, or counted down too far, or is missing", () => {
    const stale = judge([pub(1000), got(4000, 120)]);
    expect(stale.verdict).toBe("fail");
    expect(stale.summary).toContain("not counted down (at most 118)");
    expect(judge([pub(1000), got(4000, 100)]).summary).toContain("counted down too far");
    expect(judge([pub(1000), got(4000, undefined)]).summary).toContain("missing");
  });

  it("fails when the message never arrived and is unknown without the publish", () => {
    expect(judge([pub(1000)]).verdict).toBe("fail");
    expect(judge([got(4000, 117)]).verdict).toBe("unknown");
  });

  it("takes the publish from a device op too", () => {
    const op = ev(1000, "device", "op", { op: "publish", id: 3, topic: "f/x", payload: "long", props: { messageExpiryInterval: 120 } });
    const r = expiryCountsDown({ to: "peer:sub", topic: "f/x", sent: 120 }).judge([op, ev(1010, "peer", "recv", { peer: "sub", topic: "f/x", payload: "long", props: { messageExpiryInterval: 120 } })], ctx());
    expect(r.verdict).toBe("pass");
  });
});
