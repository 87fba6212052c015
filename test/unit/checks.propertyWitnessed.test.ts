import { describe, expect, it } from "vitest";
import { propertyWitnessed } from "../../src/checks/propertyWitnessed.ts";
import { ctx, ev } from "./helpers.ts";

const recv = (props?: Record<string, unknown>) => ev(1, "peer", "recv", { peer: "witness", topic: "f/a", payload: "p", ...(props ? { props } : {}) });
const judge = (events: ReturnType<typeof ev>[]) => propertyWitnessed({ by: "peer:witness", topic: "f/a", prop: "topicAlias", why: "nothing exercised" }).judge(events, ctx());

describe("propertyWitnessed", () => {
  it("passes when the witness saw the property", () => {
    expect(judge([recv(), recv({ topicAlias: 1 })]).verdict).toBe("pass");
  });

  it("is unknown, never fail, when it did not, with the reason", () => {
    const r = judge([recv(), recv()]);
    expect(r.verdict).toBe("unknown");
    expect(r.summary).toContain("nothing exercised");
  });
});
