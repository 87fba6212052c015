import { describe, expect, it } from "vitest";
import { deliveredNotBefore } from "../../src/checks/deliveredNotBefore.ts";
import { ctx, ev } from "./helpers.ts";

const off = (t: number) => ev(t, "lab", "device.power", { on: false });
const will = (t: number) => ev(t, "peer", "recv", { peer: "will", topic: "f/will", payload: "gone" });
const check = deliveredNotBefore({ to: "peer:will", topic: "f/will", payload: "gone", anchor: { src: "lab", kind: "device.power", where: { on: false }, what: "the device lost power" }, delayMs: 3000, withinMs: 5000 });
const judge = (events: ReturnType<typeof ev>[]) => check.judge(events, ctx());

describe("deliveredNotBefore", () => {
  it("passes when the will comes after the delay and within the bound", () => {
    const r = judge([off(1000), will(4200)]);
    expect(r.verdict).toBe("pass");
    expect(r.summary).toContain("3200 ms after the device lost power");
  });

  it("fails when the will comes early, says by how much", () => {
    const r = judge([off(1000), will(2500)]);
    expect(r.verdict).toBe("fail");
    expect(r.summary).toContain("1500 ms before the 3000 ms delay was over");
  });

  it("fails when it comes too late or never", () => {
    expect(judge([off(1000), will(9500)]).summary).toContain("later than the delay + 5000 ms");
    expect(judge([off(1000)]).verdict).toBe("fail");
  });

  it("is unknown without the anchor", () => {
    expect(judge([will(2000)]).verdict).toBe("unknown");
    expect(judge([ev(500, "lab", "device.power", { on: true }), will(2000)]).verdict).toBe("unknown");
  });
});
