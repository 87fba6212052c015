import { describe, expect, it } from "vitest";
import { deliveredInOrder } from "../../src/checks/deliveredInOrder.ts";
import { ctx, ev } from "./helpers.ts";

const msg = (t: number, p: string) => ev(t, "device", "msg", { topic: "f/b", payload: p, qos: 1 });
const judge = (events: ReturnType<typeof ev>[]) => deliveredInOrder({ to: "device", topic: "f/b", payloads: ["m=1", "m=2", "m=3"] }).judge(events, ctx());

describe("deliveredInOrder", () => {
  it("passes on every payload once, in order", () => {
    expect(judge([msg(1, "m=1"), msg(2, "m=2"), msg(3, "m=3")]).verdict).toBe("pass");
  });

  it("fails on a loss, a duplicate, a stranger or an inversion, naming it", () => {
    expect(judge([msg(1, "m=1"), msg(3, "m=3")]).summary).toContain('missing "m=2"');
    expect(judge([msg(1, "m=1"), msg(2, "m=2"), msg(3, "m=2"), msg(4, "m=3")]).summary).toContain('more than once: "m=2"');
    expect(judge([msg(1, "m=1"), msg(2, "m=2"), msg(3, "m=3"), msg(4, "x")]).summary).toContain('unexpected: "x"');
    expect(judge([msg(1, "m=1"), msg(2, "m=3"), msg(3, "m=2")]).summary).toContain('out of order: "m=2" arrived after "m=3"');
  });

  it("ignores other topics", () => {
    expect(judge([msg(1, "m=1"), ev(2, "device", "msg", { topic: "f/other", payload: "m=9" }), msg(3, "m=2"), msg(4, "m=3")]).verdict).toBe("pass");
  });
});
