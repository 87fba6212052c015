import { describe, expect, it } from "vitest";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { owedToDevice, wipedByCleanStart } from "../../src/checks/owed.ts";
import { buildLedger } from "../../src/checks/ledger.ts";
import { ctx, ev, sortByT } from "./helpers.ts";

/** The device subscribed and kept its session, then was powered off; the observer queued seq=1, seq=2. */
const flood = (extra: ReturnType<typeof ev>[]) =>
  sortByT([
    ev(10, "broker", "connack", { client: "dev", cleanStart: false, sessionPresent: false }),
    ev(20, "device", "up"),
    ev(30, "device", "subscribed", { topic: "f/down" }),
    ev(1000, "lab", "device.power", { on: false }),
    ev(1010, "device", "exit", { code: null }),
    ev(2000, "observer", "publish", { id: 1, topic: "f/down", payload: "seq=1", qos: 1 }),
    ev(2010, "observer", "puback", { id: 1 }),
    ev(2100, "observer", "publish", { id: 2, topic: "f/down", payload: "seq=2", qos: 1 }),
    ev(2110, "observer", "puback", { id: 2 }),
    ...extra,
  ]);
const down = (events: ReturnType<typeof flood>) => buildLedger(events).filter((m) => m.dir === "down");

describe("owed: a power-on whose first connection starts clean wipes what was queued", () => {
  it("does not owe messages queued while off when the broker logs a clean CONNACK next", () => {
    const events = flood([
      ev(3000, "lab", "device.power", { on: true, overrides: { clean_init: true } }),
      ev(3500, "broker", "connack", { client: "dev", cleanStart: true, sessionPresent: false }),
      ev(3600, "broker", "connack", { client: "dev", cleanStart: false, sessionPresent: false }),
      ev(3700, "device", "up"),
    ]);
    for (const m of down(events)) {
      const o = owedToDevice(m, events, ctx());
      expect(o.owed).toBe(false);
      expect((o as { why: string }).why).toMatch(/started clean, which discards the session/);
    }
    const r = noLostAcknowledged().judge(events, ctx());
    expect(r.verdict).toBe("unknown"); // nothing left to judge, and it says why
    expect(r.summary).toContain("not owed to their receiver");
  });

  it("still owes them when the power-on resumes the session (clean_init false): losing them is the client's", () => {
    const events = flood([
      ev(3000, "lab", "device.power", { on: true, overrides: { clean_init: false } }),
      ev(3500, "broker", "connack", { client: "dev", cleanStart: false, sessionPresent: true }),
      ev(3700, "device", "up"),
    ]);
    for (const m of down(events)) expect(owedToDevice(m, events, ctx()).owed).toBe(true);
    const r = noLostAcknowledged().judge(events, ctx());
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.charged).toBe("client");
  });

  it("falls back on the power-on's clean_init when the broker logs no CONNACK", () => {
    const noConnack = (evs: ReturnType<typeof ev>[]) => flood(evs).filter((e) => e.kind !== "connack");
    const wiped = noConnack([ev(3000, "lab", "device.power", { on: true, overrides: { clean_init: true } }), ev(3700, "device", "up")]);
    expect(wipedByCleanStart(down(wiped)[0]!, wiped, ctx())).toMatch(/powered on at 3\.000 s with clean_init/);
    const kept = noConnack([ev(3000, "lab", "device.power", { on: true, overrides: { clean_init: false } }), ev(3700, "device", "up")]);
    expect(wipedByCleanStart(down(kept)[0]!, kept, ctx())).toBeUndefined();
    // No override: the run's own clean_init (true in the helper's context) is what it boots with.
    const plain = noConnack([ev(3000, "lab", "device.power", { on: true }), ev(3700, "device", "up")]);
    expect(wipedByCleanStart(down(plain)[0]!, plain, ctx())).toBeDefined();
    expect(wipedByCleanStart(down(plain)[0]!, plain, ctx({ client: { ...ctx().client, clean_init: false } }))).toBeUndefined();
  });

  it("keeps owing a message sent while the device was up, even if a clean connection follows later", () => {
    const events = sortByT([
      ev(10, "broker", "connack", { client: "dev", cleanStart: false, sessionPresent: false }),
      ev(20, "device", "up"),
      ev(30, "device", "subscribed", { topic: "f/down" }),
      ev(2000, "observer", "publish", { id: 1, topic: "f/down", payload: "seq=1", qos: 1 }),
      ev(2010, "observer", "puback", { id: 1 }),
      ev(2500, "lab", "device.power", { on: false }),
      ev(3000, "lab", "device.power", { on: true, overrides: { clean_init: true } }),
      ev(3500, "broker", "connack", { client: "dev", cleanStart: true, sessionPresent: false }),
    ]);
    expect(owedToDevice(down(events)[0]!, events, ctx()).owed).toBe(true);
  });

  it("applies in MQTT 5 too (Clean Start 1 discards the session whatever its expiry)", () => {
    const c5 = ctx({ protocol: "5", client: { ...ctx().client, protocol: "5", session_expiry: 3600 } });
    const events = flood([
      ev(3000, "lab", "device.power", { on: true }),
      ev(3500, "broker", "connack", { client: "dev", cleanStart: true, sessionPresent: false }),
    ]);
    for (const m of down(events)) expect(owedToDevice(m, events, c5).owed).toBe(false);
  });
});

describe("owed: a session that is not kept takes its in-flight messages with it", () => {
  const clean = ctx({ client: { ...ctx().client, clean: true, clean_init: true } });
  const base = [
    ev(10, "broker", "connack", { client: "dev", cleanStart: true, sessionPresent: false }),
    ev(20, "device", "up"),
    ev(30, "device", "subscribed", { topic: "f/down" }),
    ev(900, "observer", "publish", { id: 4, topic: "f/down", payload: "seq=4", qos: 1 }),
    ev(960, "observer", "puback", { id: 4 }),
  ];
  it("does not owe a message whose connection ended within a response time of the send, undelivered", () => {
    const events = sortByT([...base, ev(961, "device", "down")]);
    const o = owedToDevice(down(events)[0]!, events, clean);
    expect(o.owed).toBe(false);
    expect((o as { why: string }).why).toMatch(/ended at 0\.961 s within one response time before delivering it/);
  });
  it("still owes it when the connection lived longer than a response time, or the session was kept", () => {
    const late = sortByT([...base, ev(900 + 3001, "device", "down")]);
    expect(owedToDevice(down(late)[0]!, late, clean).owed).toBe(true);
    const kept = sortByT([...base.map((e) => (e.kind === "connack" ? { ...e, cleanStart: false } : e)), ev(961, "device", "down")]);
    expect(owedToDevice(down(kept)[0]!, kept, ctx()).owed).toBe(true);
  });
});

describe("owed: a fault that swallowed what the broker sent on a connection whose session was not kept", () => {
  it("does not owe a message sent into a silent wire long before the client gave up", () => {
    const clean = ctx({ client: { ...ctx().client, clean: true, clean_init: true } });
    const events = sortByT([
      ev(10, "broker", "connack", { client: "dev", cleanStart: true, sessionPresent: false }),
      ev(20, "device", "up"),
      ev(30, "device", "subscribed", { topic: "f/down" }),
      ev(800, "fault", "start", { id: "apLoss-1", fault: "apLoss", params: {} }),
      ev(900, "observer", "publish", { id: 4, topic: "f/down", payload: "seq=4", qos: 1 }),
      ev(960, "observer", "puback", { id: 4 }),
      ev(8300, "device", "down"),
      ev(15_800, "fault", "end", { id: "apLoss-1", fault: "apLoss" }),
    ]);
    const o = owedToDevice(down(events)[0]!, events, clean);
    expect(o.owed).toBe(false);
    expect((o as { why: string }).why).toMatch(/while apLoss \(from 0\.800 s\) was in effect/);
    // With a kept session the broker resends it after the reconnect: still owed.
    expect(owedToDevice(down(events)[0]!, events.map((e) => (e.kind === "connack" ? { ...e, cleanStart: false } : e)), ctx()).owed).toBe(true);
  });
});
