import { describe, expect, it } from "vitest";
import { subscriptionRequestedWorks } from "../../src/checks/subscriptionRequestedWorks.ts";
import { ctx, ev, sortByT } from "./helpers.ts";

const judge = (events: ReturnType<typeof ev>[]) => subscriptionRequestedWorks("f/own").judge(sortByT(events), ctx());
let id = 0;
const obsPub = (t: number, seq: number) => [ev(t, "observer", "publish", { id: ++id, topic: "f/own", payload: `seq=${seq}`, qos: 1 }), ev(t + 5, "observer", "puback", { id })];
const msg = (t: number, seq: number) => ev(t, "device", "msg", { topic: "f/own", payload: `seq=${seq}` });
const sub = (opId: number, t: number, ackT: number | undefined, ok = true) => [
  ev(t, "device", "op", { id: opId, op: "subscribe", topic: "f/own", qos: 1 }),
  ...(ackT === undefined ? [] : [ev(ackT, "device", "ack", { id: opId, ok, ...(ok ? {} : { err: "Connection closed" }) })]),
];
// Up at 100; partition 1 000–13 000; down at 5 000; up again at 14 000.
const outage = [
  ev(100, "device", "up"),
  ev(1_000, "fault", "start", { id: "p1", fault: "partition" }),
  ev(5_000, "device", "down"),
  ev(13_000, "fault", "end", { id: "p1", fault: "partition" }),
  ev(14_000, "device", "up"),
];

describe("subscriptionRequestedWorks", () => {
  it("passes when the subscribe completes after the reconnect and messages arrive", () => {
    const r = judge([...outage, ...sub(1, 1_010, 14_100), ...obsPub(18_000, 1), msg(18_010, 1)]);
    expect(r.verdict).toBe("pass");
    expect(r.summary).toBe("all 1 messages to f/own published after the subscribe was answered ok (14.100 s) arrived");
  });

  it("fails a subscribe answered ok on the dead connection whose topic then never arrives", () => {
    const r = judge([...outage, ...sub(1, 1_010, 1_011), ...obsPub(18_000, 1), ...obsPub(18_200, 2)]);
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.charged).toBe("client");
    expect(r.evidence[0]!.text).toBe("subscribe answered ok at 1.011 s, yet seq 1, seq 2 published to f/own from 18.000 s on (PUBACKed to the observer) never reached the client");
  });

  it("takes the application's retry after a reported failure", () => {
    const r = judge([...outage, ...sub(1, 1_010, 5_000, false), ...sub(2, 14_500, 14_510), ...obsPub(18_000, 1), msg(18_010, 1)]);
    expect(r.verdict).toBe("pass");
  });

  it("fails when no subscribe was ever answered ok", () => {
    const r = judge([...outage, ...sub(1, 1_010, undefined), ...obsPub(18_000, 1)]);
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toBe("subscribe to f/own issued at 1.010 s: never answered");
  });

  it("says unknown when nothing was published late enough to show the subscription", () => {
    expect(judge([...outage, ...sub(1, 1_010, 14_100), ...obsPub(15_000, 1)]).verdict).toBe("unknown");
    expect(judge([ev(100, "device", "up")]).verdict).toBe("unknown");
  });
});
