import { describe, expect, it } from "vitest";
import { deviceClock, fleetReconnects, fleetStats, histogram, hostLag, mostWithin, peakConnectRate, percentile } from "../../src/checks/fleet.ts";
import { fleetReconnectsWithin } from "../../src/checks/fleetReconnectsWithin.ts";
import { fleetReconnectSpread } from "../../src/checks/fleetReconnectSpread.ts";
import { fleetNoLostAcknowledged } from "../../src/checks/fleetNoLostAcknowledged.ts";
import { fleetSessionsKept } from "../../src/checks/fleetSessionsKept.ts";
import type { TimelineEvent } from "../../src/timeline/event.ts";
import { ctx, ev, sortByT } from "./helpers.ts";

const names = (n: number) => Array.from({ length: n }, (_, i) => `dev${i + 1}`);
const start = (n: number) => ev(0, "lab", "fleet.start", { size: n, names: names(n), stagger: 0 });
/** One whole-fleet fault from 1 s to 7 s. */
const reboot = [ev(1000, "fault", "start", { id: "apReboot-1", fault: "apReboot" }), ev(7000, "fault", "end", { id: "apReboot-1", fault: "apReboot" })];
const up = (t: number, device: string, more: Record<string, unknown> = {}) => ev(t, "device", "up", { device, ...more });
const down = (t: number, device: string) => ev(t, "device", "down", { device });

/** A fleet of n whose device i goes down at 1.1 s and is back `back(i)` ms after the heal at 7 s. */
function storm(n: number, back: (i: number) => number | undefined): TimelineEvent[] {
  const out: TimelineEvent[] = [start(n), ...reboot];
  for (const [i, d] of names(n).entries()) {
    out.push(up(100 + i, d), down(1100 + i, d));
    const b = back(i);
    if (b !== undefined) out.push(up(7000 + b, d));
  }
  return sortByT(out);
}

describe("the distribution maths", () => {
  it("percentile is the nearest rank", () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(v, 0.5)).toBe(50);
    expect(percentile(v, 0.9)).toBe(90);
    expect(percentile(v, 1)).toBe(100);
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([], 0.5)).toBeUndefined();
  });
  it("histogram picks the smallest round bin that fits, and counts every value once", () => {
    const h = histogram([0, 90, 110, 950, 1999]);
    expect(h.binMs).toBe(100);
    expect(h.counts.length).toBe(20);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(5);
    expect(h.counts[0]).toBe(2);
    expect(h.counts[1]).toBe(1);
    expect(h.counts[19]).toBe(1);
    expect(histogram([]).counts).toEqual([1].map(() => 0));
  });
  it("mostWithin finds the fullest window, its bounds inclusive", () => {
    expect(mostWithin([0, 50, 100, 101, 500], 100)).toEqual({ count: 3, from: 0 });
    expect(mostWithin([500, 0, 1000, 1040, 1100, 1100], 100)).toEqual({ count: 4, from: 1000 });
    expect(mostWithin([], 100).count).toBe(0);
  });
  it("the broker's peak connect rate counts its CONNACKs in one second, else the clients' ups", () => {
    const connacks = [10, 20, 900, 1500, 1600, 1700, 2400].map((t) => ev(t, "broker", "connack", { client: `c${t}`, reason: 0 }));
    expect(peakConnectRate(connacks)).toEqual({ perSecond: 4, at: 900, source: "broker" });
    expect(peakConnectRate([up(5, "dev1"), up(6, "dev2")])).toEqual({ perSecond: 2, at: 5, source: "clients" });
  });
});

describe("deviceClock: when the device wrote a line, not when the busy host read it", () => {
  it("takes each device's smallest host-minus-device offset, and never moves an event later", () => {
    const events = [
      ev(1000, "device", "hello", { device: "dev1", dt_dev: 50_000 }),
      ev(3000, "device", "up", { device: "dev1", dt_dev: 50_100 }), // read 1.9 s late
      ev(3000, "device", "exit", { device: "dev1" }),
    ];
    const when = deviceClock(events);
    expect(when(events[1]!)).toBe(1100);
    expect(when(events[2]!)).toBe(3000); // host-made: host time
  });
  it("a device powered on again has a new clock (one offset per agent's life)", () => {
    const events = [
      ev(1000, "device", "hello", { device: "dev1", dt_dev: 50_000 }),
      ev(2000, "device", "hello", { device: "dev1", dt_dev: 10 }),
      ev(2600, "device", "up", { device: "dev1", dt_dev: 500 }),
    ];
    expect(deviceClock(events)(events[2]!)).toBe(2490);
  });
  it("hostLag says how late the host read the devices' lines", () => {
    const events = [
      ev(1000, "device", "hello", { device: "dev1", dt_dev: 50_000 }),
      ev(1100, "device", "hb", { device: "dev1", dt_dev: 50_100 }),
      ev(3000, "device", "up", { device: "dev1", dt_dev: 50_200 }),
    ];
    expect(hostLag(events)).toEqual({ p50Ms: 0, p99Ms: 1800, maxMs: 1800 });
    expect(hostLag([])).toBeUndefined();
  });
  it("fleetReconnects times the up on the device's clock", () => {
    const events = sortByT([start(1), ...reboot, ev(0, "device", "hello", { device: "dev1", dt_dev: 1000 }), ev(1100, "device", "down", { device: "dev1", dt_dev: 2100 }), ev(9500, "device", "up", { device: "dev1", dt_dev: 9000 })]);
    expect(fleetReconnects(events, 12_000)).toEqual([{ device: "dev1", fault: "apReboot", healedAt: 7000, downAt: 1100, upAt: 8000, ms: 1000 }]);
  });
});

describe("fleetReconnectsWithin", () => {
  it("passes when every device is back within the bound, with the distribution", () => {
    const r = fleetReconnectsWithin().judge(storm(10, (i) => 500 + i * 100), ctx());
    expect(r.verdict).toBe("pass");
    expect(r.summary).toBe("10 reconnects of 10 device(s) each within 12000 ms (p50 900 ms, p90 1300 ms, max 1400 ms)");
    expect(r.evidence[0]!.text).toContain("slowest: dev10");
  });
  it("fails naming the slow devices and those never back, with their times", () => {
    const r = fleetReconnectsWithin().judge(storm(5, (i) => (i === 1 ? 13_000 : i === 3 ? undefined : 800)), ctx());
    expect(r.verdict).toBe("fail");
    expect(r.summary).toMatch(/^2 of 5 reconnects over the 12000 ms bound \(2 device\(s\): dev2, dev4\)/);
    expect(r.evidence.map((e) => e.device)).toEqual(["dev2", "dev4"]);
    expect(r.evidence[0]!.text).toBe("dev2: apReboot healed at 7.000 s; down at 1.101 s, up only at 20.000 s (13000 ms > bound 12000 ms)");
    expect(r.evidence[1]!.text).toContain("never up again");
    expect(r.evidence.every((e) => e.charged === "client")).toBe(true);
  });
  it("a reconnect the next fault cut short is counted, not timed", () => {
    const second = [ev(8000, "fault", "start", { id: "apReboot-2", fault: "apReboot" }), ev(9000, "fault", "end", { id: "apReboot-2", fault: "apReboot" })];
    const events = sortByT([start(1), ...reboot, ...second, up(100, "dev1"), down(1100, "dev1"), up(9500, "dev1")]);
    const rs = fleetReconnects(events, 12_000);
    expect(rs[0]!.interrupted).toBe(true);
    expect(rs[1]!.ms).toBe(500);
    const r = fleetReconnectsWithin().judge(events, ctx());
    expect(r.verdict).toBe("pass");
    expect(r.summary).toContain("1 cut short by the next fault, not timed");
  });
  it("cannot decide without a fleet or without a loss", () => {
    expect(fleetReconnectsWithin().judge([...reboot], ctx()).verdict).toBe("unknown");
    expect(fleetReconnectsWithin().judge([start(2), ...reboot, up(10, "dev1"), up(11, "dev2")], ctx()).verdict).toBe("unknown");
  });
  it("ignores what happens once the lab stops the devices", () => {
    const events = storm(2, () => undefined);
    events.push(ev(8000, "lab", "device.stopping"), up(8500, "dev1"), up(8500, "dev2"));
    expect(fleetReconnectsWithin().judge(events, ctx()).verdict).toBe("fail");
  });
});

describe("fleetReconnectSpread", () => {
  it("measures how many came back within the same 100 ms, naming them; passes without a limit", () => {
    const r = fleetReconnectSpread().judge(storm(10, (i) => (i < 6 ? 1000 + i * 10 : 3000 + i * 500)), ctx());
    expect(r.verdict).toBe("pass");
    expect(r.summary).toBe("at most 6 of 10 devices reconnected within the same 100 ms");
    expect(r.evidence[0]!.text).toMatch(/^6 of 10 devices \(60 %\) reported up within 100 ms of each other, from 8\.000 s \(1000 ms after the heal at 7\.000 s\): dev1, dev2, dev3, dev4, dev5, dev6$/);
  });
  it("fails past the share a scenario allows", () => {
    const r = fleetReconnectSpread(0.5).judge(storm(10, (i) => (i < 6 ? 1000 : 5000 + i * 300)), ctx());
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.charged).toBe("client");
  });
  it("cannot measure a spread of fewer than two reconnects", () => {
    expect(fleetReconnectSpread().judge(storm(1, () => 100), ctx()).verdict).toBe("unknown");
  });
});

describe("fleetNoLostAcknowledged", () => {
  const pub = (device: string, id: number, t: number, acked: boolean, delivered: boolean): TimelineEvent[] => [
    ev(t, "device", "op", { device, id, op: "publish", topic: `f/up/${device}`, payload: `seq=${id}`, qos: 1 }),
    ...(acked ? [ev(t + 10, "device", "ack", { device, id, ok: true })] : []),
    ...(delivered ? [ev(t + 20, "observer", "recv", { topic: `f/up/${device}`, payload: `seq=${id}`, qos: 1 })] : []),
  ];
  it("tells the devices' operations apart though each has an op 1", () => {
    const events = sortByT([start(2), ...pub("dev1", 1, 100, true, true), ...pub("dev2", 1, 100, true, true), ...pub("dev2", 2, 300, true, true)]);
    const r = fleetNoLostAcknowledged().judge(events, ctx());
    expect(r.verdict).toBe("pass");
    expect(r.summary).toBe("3 acknowledged messages of 2 of 2 devices all delivered");
  });
  it("fails naming the devices that lost messages and each message", () => {
    const events = sortByT([start(3), ...pub("dev1", 1, 100, true, true), ...pub("dev2", 1, 100, true, false), ...pub("dev2", 2, 200, true, false), ...pub("dev3", 1, 100, false, false)]);
    const r = fleetNoLostAcknowledged().judge(events, ctx());
    expect(r.verdict).toBe("fail");
    expect(r.summary).toContain("1 of 3 devices lost acknowledged messages: dev2 (2)");
    expect(r.evidence.some((e) => e.text.includes("f/up/dev2"))).toBe(true);
  });
});

describe("fleetSessionsKept", () => {
  const keep = ctx({ client: { ...ctx().client, clean: false, clean_init: false } });
  const started = (d: string) => ev(1, "device", "op", { device: d, id: 1, op: "start", cfg: { client_id: `c-${d}` } });
  const connack = (t: number, d: string, present: boolean, cleanStart = false) => ev(t, "broker", "connack", { client: `c-${d}`, reason: 0, sessionPresent: present, cleanStart });
  it("matches each up to the broker's CONNACK by order, however late the broker's log line came", () => {
    // dev1's first CONNACK is logged after its up; its reconnect's, seconds after the reconnect.
    const events = sortByT([start(1), started("dev1"), up(100, "dev1"), connack(150, "dev1", false), up(9000, "dev1"), connack(12_000, "dev1", true)]);
    const r = fleetSessionsKept().judge(events, keep);
    expect(r.verdict).toBe("pass");
    expect(r.summary).toBe("1 reconnect(s) found their kept session");
  });
  it("fails naming the device that lost its session while the broker kept running", () => {
    const events = sortByT([start(2), started("dev1"), started("dev2"), up(100, "dev1"), up(100, "dev2"), connack(110, "dev1", false), connack(110, "dev2", false), up(9000, "dev1"), up(9000, "dev2"), connack(9010, "dev1", true), connack(9010, "dev2", false)]);
    const r = fleetSessionsKept().judge(events, keep);
    expect(r.verdict).toBe("fail");
    expect(r.summary).toContain("dev2");
    expect(r.evidence[0]!.text).toBe("dev2: up at 9.000 s without its session (Session Present 0); the broker kept running");
  });
  it("a 3.1.1 session begun clean ends with its connection: no session owed after it", () => {
    const events = sortByT([start(1), started("dev1"), up(100, "dev1"), connack(110, "dev1", false, true), up(9000, "dev1"), connack(9010, "dev1", false)]);
    expect(fleetSessionsKept().judge(events, keep).verdict).toBe("unknown");
  });
  it("does not judge clients that ask for a clean session", () => {
    expect(fleetSessionsKept().judge([start(1)], ctx({ client: { ...ctx().client, clean: true } })).verdict).toBe("unknown");
  });
});

describe("fleetStats: the figures results.json and report.html show", () => {
  it("holds the distribution, the lockstep, the peak rate, memory and CPU per device", () => {
    const events = storm(4, (i) => [100, 120, 150, 2000][i]);
    events.push(
      ev(50, "lab", "fleet.launched", { size: 4, helloMs: 40 }),
      ev(500, "lab", "fleet.sample", { label: "booted", rssKb: [3000, 3100, 3200, null], cpuMs: [10, 20, 30, null] }),
      ev(9000, "lab", "fleet.sample", { label: "end", rssKb: [3300, 3400, 3500, 3600], cpuMs: [110, 220, 330, 440] }),
    );
    const s = fleetStats(sortByT(events), 12_000)!;
    expect(s.size).toBe(4);
    expect(s.helloMs).toBe(40);
    expect(s.reconnect).toMatchObject({ lost: 4, back: 4, p50Ms: 120, p90Ms: 2000, maxMs: 2000, sync: { windowMs: 100, most: 3, at: 7100 } });
    expect(s.reconnect.histogram.counts.reduce((a, b) => a + b, 0)).toBe(4);
    expect(s.memory).toEqual([
      { label: "booted", t: 500, medianKb: 3100, maxKb: 3200, totalKb: 9300 },
      { label: "end", t: 9000, medianKb: 3400, maxKb: 3600, totalKb: 13800 },
    ]);
    expect(s.cpu).toEqual({ bootMedianMs: 20, laterMedianMs: 200, laterSpanMs: 8500 });
    expect(s.peakConnectRate).toEqual({ perSecond: 4, at: 100, source: "clients" });
    expect(s.peakReconnectRate).toEqual({ perSecond: 3, at: 7100, source: "clients" });
  });
  it("is undefined for a run without a fleet", () => {
    expect(fleetStats(reboot, 12_000)).toBeUndefined();
  });
});
