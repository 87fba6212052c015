import { describe, expect, it } from "vitest";
import { publishStream, seqPayload } from "../../src/scenario/stream.ts";
import { Timeline } from "../../src/timeline/timeline.ts";
import { subscriptionsSurvive, subscriptionsSurviveWindowMs } from "../../src/checks/subscriptionsSurvive.ts";
import { EVERY_MS, resilienceChecks } from "../../scenarios/resilience/_templates.ts";
import { ctx, ev, sortByT } from "./helpers.ts";

describe("stream payloads", () => {
  it("are seq=N, or seq=N padded to the size asked for", async () => {
    expect(seqPayload(7)).toBe("seq=7");
    expect(seqPayload(7, 12)).toBe("seq=7 xxxxxx");
    expect(seqPayload(12345, 4)).toBe("seq=12345 ");
    const sent: string[] = [];
    const stream = publishStream({ timeline: new Timeline(), signal: new AbortController().signal, everyMs: 1, bytes: 1000, stopGraceMs: 100, publish: async (p) => (sent.push(p), true) });
    await stream.acked(2, { within: 1000 });
    await stream.stop();
    expect(sent.slice(0, 2).map((p) => [p.slice(0, 7), p.length])).toEqual([
      ["seq=1 x", 1000],
      ["seq=2 x", 1000],
    ]);
  });
});

describe("subscriptionsSurvive's window", () => {
  it("is long enough that a burst over it, started at the client's up, holds a publish the checker judges", () => {
    const c = ctx({ client: { ...ctx().client, subs: [["f/down", 1]] } });
    const count = Math.ceil(subscriptionsSurviveWindowMs(c.client) / EVERY_MS);
    const up = 13_000;
    const burst = Array.from({ length: count }, (_, i) => [
      ev(up + 1 + i * EVERY_MS, "observer", "publish", { id: i + 1, topic: "f/down", payload: `after=${i + 1}`, qos: 1 }),
      ev(up + 6 + i * EVERY_MS, "observer", "puback", { id: i + 1 }),
    ]).flat();
    const outage = [ev(100, "device", "up"), ev(1_000, "fault", "start", { id: "p", fault: "partition" }), ev(1_010, "device", "down"), ev(11_000, "fault", "end", { id: "p", fault: "partition" }), ev(up, "device", "up")];
    // Nothing arrives: the burst must reach past the grace, or the checker could only say unknown.
    expect(subscriptionsSurvive().judge(sortByT([...outage, ...burst]), c).verdict).toBe("fail");
  });
});

describe("the default resilience check set", () => {
  it("keeps one order whatever a scenario turns on", () => {
    expect(resilienceChecks().map((c) => c.name)).toEqual(["noLostAcknowledged", "reconnectsWithin", "resumesPublishing", "noUncaughtErrors", "noBusyLoop"]);
    const all = resilienceChecks({ inOrder: true, detectsOutageWithin: ["reset"], subscriptionsSurvive: true, session: "resumed" });
    expect(all.map((c) => c.name)).toEqual([
      "noLostAcknowledged",
      "reconnectsWithin",
      "resumesPublishing",
      "noUncaughtErrors",
      "orderPerTopic",
      "noDuplicatesBeyondDup",
      "detectsOutageWithin",
      "subscriptionsSurvive",
      "noBusyLoop",
      "sessionResumed",
    ]);
    expect(resilienceChecks({ reconnectsWithin: false, resumesPublishing: false, noBusyLoop: false }).map((c) => c.name)).toEqual(["noLostAcknowledged", "noUncaughtErrors"]);
  });
});
