import { describe, expect, it } from "vitest";
import { connackHas } from "../../src/checks/connackHas.ts";
import type { TimelineEvent } from "../../src/timeline/event.ts";
import { ctx } from "./helpers.ts";

const e = (t: number, src: TimelineEvent["src"], kind: string, more: Record<string, unknown> = {}): TimelineEvent => ({ t, src, kind, ...more });

describe("connackHas", () => {
  it("passes on what the client reports about its CONNACK", () => {
    const r = connackHas({ who: "device", sessionPresent: false, reason: 0 }).judge([e(10, "device", "up", { session_present: false, reason: 0 })], ctx());
    expect(r.verdict).toBe("pass");
  });

  it("takes Session Present and the reason code from the wire tap when the client does not report them, and says so", () => {
    const tl = [e(9, "wire", "packet", { dir: "down", cmd: "connack", sessionPresent: false, reasonCode: 0 }), e(10, "device", "up", { props: { topicAliasMaximum: 10 } })];
    const r = connackHas({ who: "device", sessionPresent: false, reason: 0 }).judge(tl, ctx());
    expect(r.verdict).toBe("pass");
    expect(r.evidence[0]!.text).toContain("from the wire tap's CONNACK");
  });

  it("fails when the wire shows a CONNACK other than the spec requires", () => {
    const tl = [e(9, "wire", "packet", { dir: "down", cmd: "connack", sessionPresent: true, reasonCode: 0 }), e(10, "device", "up")];
    expect(connackHas({ who: "device", sessionPresent: false }).judge(tl, ctx()).verdict).toBe("fail");
  });

  it("fails when neither the client nor a wire tap says what the CONNACK carried", () => {
    const r = connackHas({ who: "device", reason: 0 }).judge([e(10, "device", "up")], ctx());
    expect(r.verdict).toBe("fail");
    expect(r.summary).toContain("reason code not reported");
  });
});
