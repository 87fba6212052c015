import { describe, expect, it } from "vitest";
import { subscriptionsSurvive, topicMatches } from "../../src/checks/subscriptionsSurvive.ts";
import { ctx, ev, sortByT } from "./helpers.ts";
import type { CheckContext } from "../../src/checks/context.ts";

const subs = (over: Partial<CheckContext["client"]> = {}) => ctx({ client: { ...ctx().client, subs: [["f/down", 1]], ...over } });
const judge = (events: ReturnType<typeof ev>[], c = subs()) => subscriptionsSurvive().judge(sortByT(events), c);
const crash = [ev(1_000, "fault", "start", { id: "c1", fault: "brokerCrash" }), ev(11_000, "fault", "end", { id: "c1", fault: "brokerCrash" })];
const outage = [ev(100, "device", "up"), ...crash, ev(1_010, "device", "down"), ev(13_000, "device", "up")];
let id = 0;
const obsPub = (t: number, seq: number, topic = "f/down") => [
  ev(t, "observer", "publish", { id: ++id, topic, payload: `seq=${seq}`, qos: 1 }),
  ev(t + 5, "observer", "puback", { id }),
];
const msg = (t: number, seq: number) => ev(t, "device", "msg", { topic: "f/down", payload: `seq=${seq}` });

describe("subscriptionsSurvive", () => {
  it("passes when a publish after the reconnect reaches the client", () => {
    const r = judge([...outage, ...obsPub(17_000, 5), msg(17_020, 5)]);
    expect(r.verdict).toBe("pass");
    expect(r.evidence[0]!.text).toBe("after brokerCrash (healed 11.000 s), client up at 13.000 s; seq 5 on f/down published at 17.000 s arrived at 17.020 s");
  });

  it("fails naming the fault, the up time and the messages that never arrived", () => {
    const r = judge([...outage, ...obsPub(17_000, 5), ...obsPub(17_200, 6)]);
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toBe("after brokerCrash (healed 11.000 s), client up at 13.000 s but never received seq 5, seq 6 published to it from 17.000 s on");
    expect(r.evidence[0]!.charged).toBe("client");
  });

  it("does not hold a publish racing the renewed subscription against the client", () => {
    // Published 100 ms after the up: within one response time (3 s), before the SUBACK may be back.
    expect(judge([...outage, ...obsPub(13_100, 5)]).verdict).toBe("unknown");
  });

  it("counts a scenario's own subscription only while a kept session holds it", () => {
    const own = [ev(200, "device", "op", { id: 90, op: "subscribe", topic: "f/extra/#", qos: 1 }), ev(250, "device", "ack", { id: 90, ok: true })];
    const late = obsPub(17_000, 7, "f/extra/a");
    const none = subs({ subs: [] });
    expect(judge([...outage, ...own, ...late], none).verdict).toBe("fail");
    expect(judge([...outage, ...own, ...late], subs({ subs: [], clean: true })).verdict).toBe("unknown");
    const nonDurable = { ...none, broker: { kind: "mosquitto", durable: false } };
    const exit = ev(1_000, "broker", "exit", { how: "SIGKILL" });
    expect(judge([...outage, exit, ...own, ...late], nonDurable).verdict).toBe("unknown");
    // A power cycle whose first connection is clean (clean_init) starts without them.
    const restart = ev(5_000, "device", "op", { id: 1, op: "start" });
    expect(judge([...outage, ...own, restart, ...late], subs({ subs: [], clean_init: true })).verdict).toBe("unknown");
    expect(judge([...outage, ...own, restart, ...late], subs({ subs: [], clean_init: false })).verdict).toBe("fail");
  });

  it("cannot decide without a healed fault, a reconnect, or a publish after the up", () => {
    expect(judge([]).verdict).toBe("unknown");
    expect(judge([ev(100, "device", "up"), ...crash]).verdict).toBe("unknown");
    expect(judge([...outage, ...obsPub(5_000, 1)]).verdict).toBe("unknown");
  });

  it("matches MQTT topic filters", () => {
    expect(topicMatches("a/+/c", "a/b/c")).toBe(true);
    expect(topicMatches("a/#", "a")).toBe(true);
    expect(topicMatches("a/#", "a/b/c")).toBe(true);
    expect(topicMatches("a/+", "a/b/c")).toBe(false);
    expect(topicMatches("a/b", "a/b/c")).toBe(false);
  });
});
