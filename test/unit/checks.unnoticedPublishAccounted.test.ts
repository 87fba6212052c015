import { describe, expect, it } from "vitest";
import { unnoticedPublishAccounted } from "../../src/checks/unnoticedPublishAccounted.ts";
import { ctx, devicePublish, ev, observerRecv, sortByT } from "./helpers.ts";

const judge = (events: ReturnType<typeof ev>[]) => unnoticedPublishAccounted().judge(sortByT(events), ctx());
// Up at 100; partition 1 000–13 000; the client notices at 5 000 and is back at 14 000.
const outage = [
  ev(100, "device", "up"),
  ev(1_000, "fault", "start", { id: "p1", fault: "partition" }),
  ev(5_000, "device", "down"),
  ev(13_000, "fault", "end", { id: "p1", fault: "partition" }),
  ev(14_000, "device", "up"),
];

describe("unnoticedPublishAccounted", () => {
  it("passes a publish resent and delivered after the outage", () => {
    const r = judge([...outage, ...devicePublish(1, 1_010, 14_100), observerRecv(14_050, 1)]);
    expect(r.verdict).toBe("pass");
    expect(r.evidence[0]!.text).toBe("device→observer seq 1 on f/up issued at 1.010 s, after partition began (1.000 s) and before the client noticed (5.000 s): delivered at 14.050 s");
  });

  it("passes a publish reported as not sent", () => {
    const r = judge([...outage, ...devicePublish(1, 1_010, 6_010, false)]);
    expect(r.verdict).toBe("pass");
    expect(r.evidence[0]!.text).toContain('reported not sent at 6.010 s ("timeout")');
  });

  it("fails a publish acknowledged but never delivered", () => {
    const r = judge([...outage, ...devicePublish(1, 1_010, 1_020)]);
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.charged).toBe("client");
    expect(r.evidence[0]!.text).toContain("acknowledged to the application at 1.020 s but never delivered");
  });

  it("fails a publish neither delivered nor answered", () => {
    const r = judge([...outage, ...devicePublish(1, 1_010, undefined)]);
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toContain("the application was never told");
  });

  it("does not judge publishes issued after the client noticed, or outside the fault", () => {
    const r = judge([...outage, ...devicePublish(1, 500, undefined), ...devicePublish(2, 5_500, undefined)]);
    expect(r.verdict).toBe("unknown");
  });

  it("says unknown without a silent fault, and when the fault found the client down", () => {
    expect(judge([ev(100, "device", "up"), ...devicePublish(1, 1_010, undefined)]).verdict).toBe("unknown");
    const r = judge([ev(100, "device", "up"), ev(500, "device", "down"), ...outage.slice(1, 2), ...devicePublish(1, 1_010, undefined)]);
    expect(r.verdict).toBe("unknown");
    expect(r.evidence[0]!.text).toContain("found the client already down");
  });
});
