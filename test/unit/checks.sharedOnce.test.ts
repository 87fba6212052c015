import { describe, expect, it } from "vitest";
import { sharedOnce } from "../../src/checks/sharedOnce.ts";
import { ctx, ev } from "./helpers.ts";

const dev = (t: number, p: string) => ev(t, "device", "msg", { topic: "f/w", payload: p });
const w2 = (t: number, p: string) => ev(t, "peer", "recv", { peer: "w2", topic: "f/w", payload: p });
const judge = (events: ReturnType<typeof ev>[]) => sharedOnce({ members: ["device", "peer:w2"], topic: "f/w", payloads: ["j1", "j2", "j3"] }).judge(events, ctx());

describe("sharedOnce", () => {
  it("passes when the members split the messages, each once", () => {
    const r = judge([dev(1, "j1"), w2(2, "j2"), dev(3, "j3")]);
    expect(r.verdict).toBe("pass");
    expect(r.summary).toContain("the device 2, peer w2 1");
  });

  it("fails on a message delivered to both members, or to none", () => {
    expect(judge([dev(1, "j1"), w2(2, "j1"), dev(3, "j2"), w2(4, "j3")]).summary).toContain('"j1" delivered 2 times (the device, peer w2)');
    expect(judge([dev(1, "j1"), w2(2, "j2")]).summary).toContain('"j3" reached no member');
  });

  it("is unknown when the broker gave one member nothing", () => {
    expect(judge([w2(1, "j1"), w2(2, "j2"), w2(3, "j3")]).verdict).toBe("unknown");
  });
});
