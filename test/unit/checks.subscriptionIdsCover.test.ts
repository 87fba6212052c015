import { describe, expect, it } from "vitest";
import { subscriptionIdsCover } from "../../src/checks/subscriptionIdsCover.ts";
import { ctx, ev } from "./helpers.ts";

const msg = (sid: unknown) => ev(1, "device", "msg", { topic: "f/ov/x", payload: "both", ...(sid === undefined ? {} : { props: { subscriptionIdentifier: sid } }) });
const judge = (events: ReturnType<typeof ev>[]) => subscriptionIdsCover({ to: "device", topic: "f/ov/x", payload: "both", ids: [1, 2] }).judge(events, ctx());

describe("subscriptionIdsCover", () => {
  it("passes on one copy with both identifiers, or one copy each", () => {
    expect(judge([msg([2, 1])]).verdict).toBe("pass");
    expect(judge([msg(1), msg(2)]).verdict).toBe("pass");
  });

  it("fails when an identifier is lost (a client keeping only the last), foreign or absent", () => {
    expect(judge([msg(2)]).summary).toContain("identifier(s) 1 missing");
    expect(judge([msg([1, 2, 3])]).summary).toContain("3 not asked for");
    expect(judge([msg(1), msg(2), msg(undefined)]).summary).toContain("a copy without any Subscription Identifier");
    expect(judge([]).verdict).toBe("fail");
  });
});
