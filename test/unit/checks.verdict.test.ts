import { describe, expect, it } from "vitest";
import { judgeTimeline, labBreak } from "../../src/checks/verdict.ts";
import { readTimeline } from "../../src/timeline/event.ts";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { ctx, devicePublish, ev, observerRecv } from "./helpers.ts";

/** A whole run: the device starts, publishes seq=1 (acknowledged, delivered) and the scenario ends. */
const whole = () => [
  ev(0, "lab", "run.start"),
  ev(10, "device", "op", { id: 1, op: "start" }),
  ev(20, "device", "up"),
  ...devicePublish(2, 100, 150),
  observerRecv(160, 2),
  ev(5_000, "lab", "drained", { complete: true }),
  ev(5_010, "lab", "scenario.end"),
];

describe("judging a timeline (the runner and faraday check share this rule)", () => {
  it("a whole timeline is judged by its checks", () => {
    const j = judgeTimeline(whole(), [noLostAcknowledged()], ctx());
    expect(j.verdict).toBe("pass");
    expect(j.labBreak).toBeUndefined();
  });

  it("a lab error makes the run error even when a check fails, and the checks are still shown", () => {
    // The broker could not restart: the client never got its message through — not its fault.
    const events = [...whole().slice(0, 4), ev(120, "lab", "error", { msg: "mosquitto exited (code 1) before mosquitto on port 1883 answering CONNECT" }), ev(130, "lab", "scenario.end")];
    const j = judgeTimeline(events, [noLostAcknowledged()], ctx());
    expect(j.verdict).toBe("error");
    expect(j.labBreak).toEqual({ t: 120, reason: "mosquitto exited (code 1) before mosquitto on port 1883 answering CONNECT" });
    expect(j.checks.map((c) => c.name)).toEqual(["noLostAcknowledged", "expectationsMet"]);
  });

  it("a timeline cut after an acknowledgement re-checks to error, not to the client's loss", () => {
    // Cut after the PUBACK, before the delivery that would have cleared the client.
    const cut = whole().slice(0, 5);
    const j = judgeTimeline(cut, [noLostAcknowledged()], ctx());
    expect(j.verdict).toBe("error");
    expect(j.labBreak?.reason).toMatch(/^timeline cut at 0\.150 s: it has no scenario\.end/);
    expect(j.checks.find((c) => c.name === "noLostAcknowledged")?.verdict).toBe("fail"); // shown, not judged
  });

  it("an interruption is error", () => {
    const events = [...whole().slice(0, 3), ev(50, "lab", "error", { msg: "interrupted" }), ev(60, "lab", "scenario.end")];
    expect(judgeTimeline(events, [], ctx()).verdict).toBe("error");
  });

  it("a run that broke before the device was started runs no checks", () => {
    const events = [ev(0, "lab", "run.start"), ev(5, "lab", "error", { msg: "port 1883 for mosquitto is busy" }), ev(6, "lab", "scenario.end")];
    const j = judgeTimeline(events, [noLostAcknowledged()], ctx());
    expect(j).toEqual({ verdict: "error", checks: [], labBreak: { t: 5, reason: "port 1883 for mosquitto is busy" } });
  });

  it("a torn last line is tolerated and said; the timeline it ends is cut", () => {
    const text = whole().slice(0, 5).map((e) => JSON.stringify(e)).join("\n") + '\n{"t":170,"src":"observer","ki';
    const r = readTimeline(text);
    expect(r.tornLine).toBe(6);
    expect(r.events).toHaveLength(5);
    expect(labBreak(r.events, { tornLine: r.tornLine! })?.reason).toMatch(/no scenario\.end .*; its line 6 is torn$/);
  });

  it("damage other than a torn last line is refused, naming the line", () => {
    expect(() => readTimeline('{"t":1,"src":"lab","kind":"x"}\nnot json\n{"t":2,"src":"lab","kind":"y"}\n')).toThrow(/line 2 is not JSON/);
    expect(() => readTimeline('{"t":1,"src":"lab","kind":"x"}\n{"t":"x"}\n')).toThrow(/line 2 lacks t\/src\/kind/);
  });
});
