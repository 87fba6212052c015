import { describe, expect, it } from "vitest";
import { willPublishedOnSilentDeath, willWithinMs } from "../../src/checks/willPublishedOnSilentDeath.ts";
import type { CheckContext } from "../../src/checks/context.ts";
import { ctx, ev } from "./helpers.ts";

// A device that connected with a will (keepalive 4 s), pinged at 5 s and died silently at 5.01 s.
const connect = (t: number, fields: Record<string, unknown> = {}) =>
  ev(t, "wire", "packet", { dir: "up", conn: 2, cmd: "connect", keepalive: 4, will: { topic: "f/up", payload: "dead", qos: 1 }, ...fields });
const connack = (t: number, props?: Record<string, unknown>) => ev(t, "wire", "packet", { dir: "down", conn: 2, cmd: "connack", ...(props ? { props } : {}) });
const ping = (t: number) => ev(t, "wire", "packet", { dir: "up", conn: 2, cmd: "pingreq" });
const pong = (t: number) => ev(t, "wire", "packet", { dir: "down", conn: 2, cmd: "pingresp" });
const death = (t: number) => [
  ev(t, "fault", "start", { id: "silentDeath-1", fault: "silentDeath", params: {} }),
  ev(t + 5, "lab", "device.power", { on: false }),
  ev(t + 10, "fault", "injected", { id: "silentDeath-1", fault: "silentDeath" }),
];
const will = (t: number) => ev(t, "observer", "recv", { topic: "f/up", payload: "dead", qos: 1 });
const end = (t: number) => ev(t, "lab", "scenario.end", {});
const base = [connect(1000), connack(1010), ping(5000), pong(5003), ...death(5010)];

const check = willPublishedOnSilentDeath({ topic: "f/up", payload: "dead" });
const judge = (events: ReturnType<typeof ev>[], over: Partial<CheckContext> = {}) => check.judge(events, ctx({ broker: { kind: "mosquitto", durable: false }, ...over }));

describe("willPublishedOnSilentDeath", () => {
  it("passes a will between 1.5 × keepalive and that + the broker's granularity + delivery, and names death, keepalive, bound and arrival", () => {
    const r = judge([...base, will(11_600), end(12_000)]);
    expect(r.verdict).toBe("pass");
    const text = r.evidence.map((e) => e.text).join("\n");
    expect(text).toContain("died silently at 5.015 s");
    expect(text).toContain("keepalive 4 s (CONNECT at 1.000 s)");
    // earliest: the PINGREQ at 5 s + 6 s; latest: + mosquitto's 7 s + delivery 5 s.
    expect(text).toContain("not before 11.000 s, by 23.000 s");
    expect(text).toContain("6585 ms after the death, 6600 ms after the client's last packet (PINGREQ at 5.000 s)");
  });

  it("fails a will published before the keepalive could run out, charged to the broker", () => {
    const r = judge([...base, will(8000), end(12_000)]);
    expect(r.verdict).toBe("fail");
    expect(r.summary).toContain("too early");
    expect(r.summary).toContain("3000 ms before");
    expect(r.evidence.some((e) => e.charged === "broker" && e.t === 8000)).toBe(true);
  });

  it("fails a late will and a will that never came, with the bound", () => {
    const late = judge([...base, will(24_000), end(25_000)]);
    expect(late.verdict).toBe("fail");
    expect(late.summary).toContain("late: 24.000 s, 1000 ms after 23.000 s");
    const never = judge([...base, end(25_000)]);
    expect(never.verdict).toBe("fail");
    expect(never.summary).toContain("due by 23.000 s");
  });

  it("is unknown when the run stopped watching before the bound, or the broker's granularity is not known", () => {
    expect(judge([...base, end(9000)]).verdict).toBe("unknown");
    const r = judge([...base, will(17_500), end(20_000)], { broker: { kind: "emqx", durable: false } });
    expect(r.verdict).toBe("unknown");
    expect(r.summary).toContain("granularity is not known");
  });

  it("adds the Will Delay Interval in MQTT 5, or the session expiry when it is sooner", () => {
    const v5 = (props: Record<string, unknown>, willProps: Record<string, unknown>) => [
      connect(1000, { props, will: { topic: "f/up", payload: "dead", qos: 1, props: willProps } }),
      connack(1010),
      ping(5000),
      pong(5003),
      ...death(5010),
    ];
    const delayed = v5({ sessionExpiryInterval: 30 }, { willDelayInterval: 2 });
    expect(judge([...delayed, will(12_000), end(20_000)], { protocol: "5" }).verdict).toBe("fail"); // before 11 + 2 s
    const ok = judge([...delayed, will(13_500), end(20_000)], { protocol: "5" });
    expect(ok.verdict).toBe("pass");
    expect(ok.summary).toContain("will delay 2 s");
    // Session expiry 0: the session ends with the connection, and the will goes at once.
    const ends = judge([...v5({}, { willDelayInterval: 2 }), will(11_500), end(20_000)], { protocol: "5" });
    expect(ends.verdict).toBe("pass");
    expect(ends.evidence.map((e) => e.text).join("\n")).toContain("sooner than the 2 s Will Delay Interval");
  });

  it("uses the broker's Server Keep Alive when the CONNACK carries one", () => {
    const events = [connect(1000), connack(1010, { serverKeepAlive: 2 }), ping(5000), pong(5003), ...death(5010), will(8200), end(12_000)];
    const r = judge(events, { protocol: "5" });
    expect(r.verdict).toBe("pass");
    expect(r.summary).toContain("keepalive 2 s (the broker's Server Keep Alive)");
  });

  it("fails a client whose CONNECT carried no will; is unknown without the death", () => {
    const r = judge([connect(1000, { will: undefined }), ping(5000), ...death(5010), end(20_000)]);
    expect(r.verdict).toBe("fail");
    expect(r.summary).toContain("carried no will");
    expect(judge([connect(1000), will(9000)]).verdict).toBe("unknown");
  });

  it("without a wire tap, judges from the death and the run's keepalive", () => {
    const events = [...death(5010), will(11_600), end(20_000)];
    const r = judge(events, { client: { ...ctx().client, keepalive: 4 } });
    expect(r.verdict).toBe("pass");
    expect(r.evidence.map((e) => e.text).join("\n")).toContain("the run's setting: no wire tap");
    // the earliest runs from a keepalive before the death: 5.015 − 4 + 6 = 7.015 s
    expect(judge([...death(5010), will(7000), end(20_000)], { client: { ...ctx().client, keepalive: 4 } }).verdict).toBe("fail");
  });

  it("gives scenarios the latest moment after the death", () => {
    const bounds = ctx().bounds;
    expect(willWithinMs({ broker: { kind: "mosquitto", durable: false }, bounds }, 4)).toBe(6000 + 7000 + bounds.deliveryMs);
    expect(willWithinMs({ broker: { kind: "mochi", durable: false }, bounds }, 4, 2)).toBe(6000 + 2000 + 2000 + bounds.deliveryMs);
  });
});

describe("willPublishedOnSilentDeath: what the broker read", () => {
  it("runs the earliest moment from the last packet the broker answered: a PINGREQ in flight as the wire went silent may be lost", () => {
    // The PINGREQ at 5 s got no PINGRESP before the silence: the broker may have read only the CONNECT (answered at 1.01 s).
    const inFlight = [connect(1000), connack(1010), ping(5000), ...death(5010)];
    const r = judge([...inFlight, will(7100), end(20_000)]);
    expect(r.verdict).toBe("pass");
    expect(r.evidence.map((e) => e.text).join("\n")).toContain("the earliest from the last one the broker answered (CONNECT at 1.000 s)");
    expect(judge([...base, will(7100), end(20_000)]).verdict).toBe("fail");
  });

  it("fails a v5 CONNECT whose will carries another delay than the scenario gave", () => {
    const events = [connect(1000, { props: { sessionExpiryInterval: 30 } }), connack(1010), ping(5000), ...death(5010), will(11_500), end(20_000)];
    const r = willPublishedOnSilentDeath({ topic: "f/up", payload: "dead", willDelayS: 2 }).judge(events, ctx({ protocol: "5" }));
    expect(r.verdict).toBe("fail");
    expect(r.summary).toContain("carried Will Delay Interval 0 s, not the 2 s");
  });
});
