import { describe, expect, it } from "vitest";
import { connackAgrees } from "../../src/checks/connackAgrees.ts";
import { ctx, ev } from "./helpers.ts";

const ref = ev(1, "peer", "up", { peer: "ref", props: { topicAliasMaximum: 10, receiveMaximum: 20 } });
const dev = (props: Record<string, unknown>) => ev(2, "device", "up", { props });
const judge = (events: ReturnType<typeof ev>[]) => connackAgrees({ like: "peer:ref", props: ["topicAliasMaximum"] }).judge(events, ctx());

describe("connackAgrees", () => {
  it("passes when the device read what the peer read", () => {
    expect(judge([ref, dev({ topicAliasMaximum: 10 })]).verdict).toBe("pass");
  });

  it("fails on a different value (a byte-order slip) or a missing one", () => {
    expect(judge([ref, dev({ topicAliasMaximum: 2560 })]).summary).toContain("topicAliasMaximum 2560, peer read 10");
    expect(judge([ref, dev({})]).summary).toContain("missing");
    expect(judge([ref]).verdict).toBe("fail");
  });

  it("is unknown when the broker sent the property to nobody", () => {
    expect(judge([ev(1, "peer", "up", { peer: "ref", props: {} }), dev({})]).verdict).toBe("unknown");
  });
});
