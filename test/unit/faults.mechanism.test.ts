import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Lab } from "../../src/lab/lab.ts";
import type { DeviceLink } from "../../src/lab/link.ts";
import type { RunningBroker } from "../../src/brokers/broker.ts";
import { seededRandom } from "../../src/lab/random.ts";
import { Timeline } from "../../src/timeline/timeline.ts";
import type { ActiveFault, Fault, FaultTargets } from "../../src/faults/fault.ts";
import { FAULTS, fault } from "../../src/faults/index.ts";
import { HOLD_MS } from "../../src/faults/toxics.ts";
import { gilbertElliottParams, gilbertElliottStates } from "../../src/faults/lossyLink.ts";
import { childRandom } from "../../src/faults/seeded.ts";
import { flappingAp, flappingApSchedule } from "../../src/faults/profiles/flappingAp.ts";
import { walkOutOfRange } from "../../src/faults/profiles/walkOutOfRange.ts";
import type { ProfileContext } from "../../src/faults/profiles/profile.ts";

/** A stand-in for the Toxiproxy proxy and the device: it only writes down what it was asked. */
function fakeTargets(seed = 1, opts: { failOn?: string } = {}) {
  const log: string[] = [];
  const live = new Map<string, { type: string; stream: string; attributes: Record<string, number> }>();
  const link = {
    name: "dev-dev1",
    listenPort: 1,
    proxy: {
      async addToxic(body: { name: string; type: string; stream: string; attributes: Record<string, number> }) {
        if (opts.failOn && body.type === opts.failOn) throw new Error("toxiproxy said no");
        log.push(`add ${body.stream} ${body.type} ${JSON.stringify(body.attributes)}`);
        live.set(body.name, body);
        return {
          async remove() {
            if (!live.delete(body.name)) throw new Error("toxic not found");
            log.push(`remove ${body.stream} ${body.type}`);
          },
        };
      },
    },
  } as unknown as DeviceLink;
  const deferred: (() => unknown)[] = [];
  const lab = { timeline: new Timeline(), abort: new AbortController(), defer: (_: string, fn: () => unknown) => void deferred.push(fn) } as unknown as Lab;
  const targets: FaultTargets = {
    lab,
    link,
    random: seededRandom(seed),
    broker: { kind: "mosquitto", durable: true } as RunningBroker,
    device: {
      wifi: async (up) => void log.push(`wifi ${up ? "up" : "down"}`),
      wlan: async (set) => void log.push(`wlan ${JSON.stringify(set)}`),
      powerOff: async () => void log.push("power off"),
      powerOn: async () => void log.push("power on"),
    },
  };
  /** What the lab's teardown would run, last registered first. */
  const teardown = async () => {
    for (const fn of deferred.reverse()) await fn();
  };
  return { targets, log, live, lab, teardown };
}

describe("what each wire fault puts on the proxy", () => {
  const cases: [string, (t: FaultTargets) => Fault, string[]][] = [
    ["latency", (t) => fault("latency", t, { latencyMs: 500, jitterMs: 100 }), ['add upstream latency {"latency":500,"jitter":100}', 'add downstream latency {"latency":500,"jitter":100}']],
    ["latency, one way", (t) => fault("latency", t, { latencyMs: 300, direction: "downstream" }), ['add downstream latency {"latency":300,"jitter":0}']],
    ["bandwidth", (t) => fault("bandwidth", t, { rateKBps: 4 }), ['add upstream bandwidth {"rate":4}', 'add downstream bandwidth {"rate":4}']],
    [
      "slicer",
      (t) => fault("slicer", t, { averageSizeBytes: 8, sizeVariationBytes: 4, delayUs: 500 }),
      ['add upstream slicer {"average_size":8,"size_variation":4,"delay":500}', 'add downstream slicer {"average_size":8,"size_variation":4,"delay":500}'],
    ],
    ["cutMidPacket", (t) => fault("cutMidPacket", t, { bytes: 50 }), ['add upstream limit_data {"bytes":50}']],
    ["reset", (t) => fault("reset", t), ['add upstream reset_peer {"timeout":0}', 'add downstream reset_peer {"timeout":0}']],
    [
      "partition",
      (t) => fault("partition", t),
      [
        'add upstream timeout {"timeout":0}',
        `add upstream slow_close {"delay":${HOLD_MS}}`,
        'add downstream timeout {"timeout":0}',
        `add downstream slow_close {"delay":${HOLD_MS}}`,
      ],
    ],
  ];
  for (const [name, make, added] of cases) {
    it(`${name}: adds exactly its toxics, and heal removes them last first`, async () => {
      const { targets, log, live } = fakeTargets();
      const f = make(targets);
      await f.inject();
      expect(log).toEqual(added);
      await f.heal();
      expect(live.size).toBe(0);
      expect(log.slice(added.length)).toEqual(added.map((a) => a.split(" ").slice(0, 3).join(" ").replace("add", "remove")).reverse());
      await f.heal(); // a second heal is a no-op, not an error
    });
  }

  it("puts a fault in place whole or not at all: a toxic that cannot be added takes back the ones before it", async () => {
    const { targets, log, live } = fakeTargets(1, { failOn: "slow_close" });
    await expect(fault("partition", targets).inject()).rejects.toThrow(/could not add the slow_close toxic \(upstream\) of partition to dev-dev1: toxiproxy said no/);
    expect(live.size).toBe(0);
    expect(log).toEqual(['add upstream timeout {"timeout":0}', "remove upstream timeout"]);
  });

  it("refuses parameters that make no sense, naming the parameter and its unit", () => {
    const { targets } = fakeTargets();
    expect(() => fault("latency", targets, { latencyMs: 100, jitterMs: 200 })).toThrow("latency: jitterMs must be a number of ms between 0 and latencyMs, not 200");
    expect(() => fault("slicer", targets, { averageSizeBytes: 4, sizeVariationBytes: 4 })).toThrow(/sizeVariationBytes must be a whole number of bytes, 0 or below averageSizeBytes/);
    expect(() => fault("bandwidth", targets, { rateKBps: 0 })).toThrow(/rateKBps must be a whole number of KB\/s ≥ 1/);
    expect(() => fault("cutMidPacket", targets, { bytes: 2.5 })).toThrow(/bytes must be a whole number of bytes ≥ 1/);
  });
});

describe("faults with a device half", () => {
  it("apLoss silences the wire before the WLAN goes down, and brings the wire back before the WLAN", async () => {
    const { targets, log, live } = fakeTargets();
    const f = fault("apLoss", targets);
    await f.inject();
    expect(log.slice(-2)).toEqual([`add downstream slow_close {"delay":${HOLD_MS}}`, "wifi down"]);
    await f.heal();
    expect(live.size).toBe(0);
    expect(log.slice(-1)).toEqual(["wifi up"]);
    expect(log.indexOf("wifi up")).toBeGreaterThan(log.indexOf("remove upstream timeout"));
  });

  it("apLoss at teardown restores the wire and leaves the WLAN to the device's own stop", async () => {
    const { targets, log, live } = fakeTargets();
    const f = fault("apLoss", targets);
    await f.inject();
    await f.restore!();
    expect(live.size).toBe(0);
    expect(log).not.toContain("wifi up");
  });

  it("powerCycle holds the dead board's close while it is off and lets it go once the rebooted client is up", async () => {
    const { targets, log, live, lab } = fakeTargets();
    const f = fault("powerCycle", targets);
    await f.inject();
    expect(log).toEqual([`add upstream slow_close {"delay":${HOLD_MS}}`, "power off"]);
    await f.heal();
    expect(log.slice(2)).toEqual(["power on"]);
    expect(live.size).toBe(1); // still held: the broker has not seen the new CONNECT yet
    lab.timeline.record("device", "up", {});
    await new Promise((r) => setImmediate(r));
    expect(log.slice(3)).toEqual(["remove upstream slow_close"]);
    expect(live.size).toBe(0);
  });

  it("powerCycle lets go of the held close at teardown when the client never came back", async () => {
    const { targets, live, teardown } = fakeTargets();
    const f = fault("powerCycle", targets);
    await f.inject();
    await f.heal();
    expect(live.size).toBe(1);
    await teardown();
    expect(live.size).toBe(0);
  });

  it("a WiFi-stack fault bends the driver before the AP goes, and takes the knobs off only once the client is back up", async () => {
    const { targets, log, live, lab } = fakeTargets();
    const f = fault("idleDuringConnect", targets, { idleMs: 1200, at: "start" });
    await f.inject();
    expect(log.slice(-2)).toEqual(['wlan {"idle":[1200,1]}', "wifi down"]);
    await f.heal();
    expect(live.size).toBe(0);
    expect(log.at(-1)).toBe("wifi up"); // the reconnect after the outage is the one it bends
    lab.timeline.record("device", "up", {});
    await new Promise((r) => setImmediate(r));
    expect(log.at(-1)).toBe('wlan {"idle":null}');
  });

  it("associatedNoRoute keeps the WLAN up: the wire alone goes, and the driver says connected until healed", async () => {
    const { targets, log, live } = fakeTargets();
    const f = fault("associatedNoRoute", targets);
    await f.inject();
    expect(log).not.toContain("wifi down");
    expect(log.at(-1)).toBe('wlan {"stuck":true}');
    await f.heal();
    expect(live.size).toBe(0);
    expect(log.at(-1)).toBe('wlan {"stuck":null}');
  });

  it("statusLingers and connectFails give the shim what it retires itself; at teardown only the wire is restored", async () => {
    const { targets, log, live } = fakeTargets();
    const f = fault("statusLingers", targets);
    expect(f.params).toMatchObject({ status: "WRONG_PASSWORD", holdMs: 2800 });
    await f.inject();
    expect(log).toContain('wlan {"linger":["WRONG_PASSWORD",2800]}');
    await f.restore!();
    expect(live.size).toBe(0);
    expect(log).not.toContain("wifi up");
    const g = fault("connectFails", targets, { times: 3 });
    await g.inject();
    expect(log).toContain('wlan {"fail":3}');
  });

  it("every fault in the table has a kind equal to its name and parameters that are plain data", () => {
    const { targets } = fakeTargets();
    for (const [name, d] of Object.entries(FAULTS)) {
      const f = fault(name, targets, d.example);
      expect(f.kind).toBe(name);
      expect(JSON.parse(JSON.stringify(f.params))).toEqual(f.params);
    }
  });
});

describe("lossyLink", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("stalls and releases the wire exactly when its seeded chain turns bad and good", async () => {
    const { targets, log, lab } = fakeTargets(2024);
    const p = { stepMs: 100, pGoodToBad: 0.3, pBadToGood: 0.4 };
    const f = fault("lossyLink", targets, p);
    // The chain's own seed is one draw of the run's random, and it is in the params.
    const expectedSeed = childRandom(seededRandom(2024)).seed;
    expect(f.params.seed).toBe(expectedSeed);
    await f.inject();
    for (let i = 0; i < 60; i++) await vi.advanceTimersByTimeAsync(100);
    await f.heal();

    const states = gilbertElliottStates(seededRandom(expectedSeed), gilbertElliottParams(p), 60);
    const turns: string[] = [];
    let prev = "good";
    states.forEach((s, i) => {
      if (s !== prev) turns.push(`${s === "bad" ? "stall" : "flow"}@${i + 1}`);
      prev = s;
    });
    const recorded = lab.timeline.events.filter((e) => e.src === "fault").map((e) => `${e.kind}@${String(e.step)}`);
    expect(recorded).toEqual(turns);
    expect(turns.length).toBeGreaterThan(4);
    // A stall is a hold, not a drop: a latency toxic that Toxiproxy flushes, in order, when removed.
    expect(log.filter((l) => l.startsWith("add"))[0]).toBe(`add upstream latency {"latency":${HOLD_MS},"jitter":0}`);
    expect(log.filter((l) => l.startsWith("add")).length).toBe(2 * turns.filter((t) => t.startsWith("stall")).length);
  });

  it("stops stepping when healed, and when the lab is torn down", async () => {
    const { targets, log, lab } = fakeTargets(1);
    const f = fault("lossyLink", targets, { stepMs: 50, pGoodToBad: 1, pBadToGood: 0 });
    await f.inject();
    await vi.advanceTimersByTimeAsync(60);
    expect(log).toHaveLength(2); // stalled both ways
    (lab as unknown as { abort: AbortController }).abort.abort();
    await f.restore?.();
    await f.heal();
    const n = log.length;
    await vi.advanceTimersByTimeAsync(1000);
    expect(log).toHaveLength(n);
    expect(log.slice(-2)).toEqual(["remove downstream latency", "remove upstream latency"]);
  });
});

/** A scenario context that only writes down what a profile does with it, and waits no time. */
function fakeProfileCtx(seed: number) {
  const { targets, lab } = fakeTargets(seed);
  const did: string[] = [];
  let n = 0;
  const ctx: ProfileContext = {
    targets,
    random: targets.random,
    client: { keepalive: 6 },
    async inject(f) {
      did.push(`inject ${f.kind} ${JSON.stringify(f.params)}`);
      await f.inject();
      return { id: `${f.kind}-${++n}`, fault: f, healed: false };
    },
    async heal(a: ActiveFault) {
      did.push(`heal ${a.fault.kind}`);
      await a.fault.heal();
      a.healed = true;
    },
    async wait(ms) {
      did.push(`wait ${ms}`);
    },
  };
  return { ctx, did, lab };
}

describe("profiles replay their seed", () => {
  it("flappingAp: the same seed drives the same flaps, the plan on the timeline is what it then did, another seed differs", async () => {
    const p = { outages: 4, minOutageMs: 200, maxOutageMs: 800, minGapMs: 500, maxGapMs: 1500 };
    const a = fakeProfileCtx(77);
    await flappingAp(a.ctx, p);
    const b = fakeProfileCtx(77);
    await flappingAp(b.ctx, p);
    const c = fakeProfileCtx(78);
    await flappingAp(c.ctx, p);
    expect(a.did).toEqual(b.did);
    expect(a.did).not.toEqual(c.did);

    const plan = a.lab.timeline.events.find((e) => e.kind === "profile")!;
    expect(plan.schedule).toEqual(flappingApSchedule(childRandom(seededRandom(77)), p));
    const flaps = plan.schedule as { gapMs: number; outageMs: number }[];
    expect(a.did).toEqual(flaps.flatMap((f) => [`wait ${f.gapMs}`, expect.stringMatching(/^inject apLoss /), `wait ${f.outageMs}`, "heal apLoss"]));
    expect(a.lab.timeline.events.at(-1)?.kind).toBe("profile.end");
  });

  it("walkOutOfRange: latency and loss rise, the outage is an AP loss, the way back mirrors, and the loss chains replay too", async () => {
    const p = { steps: 2, stepMs: 100, outageMs: 500 };
    const a = fakeProfileCtx(5);
    await walkOutOfRange(a.ctx, p);
    const b = fakeProfileCtx(5);
    await walkOutOfRange(b.ctx, p);
    expect(a.did).toEqual(b.did); // lossyLink seeds included: they are in its params
    const kinds = a.did.filter((d) => d.startsWith("inject")).map((d) => d.split(" ")[1]);
    expect(kinds).toEqual(["latency", "lossyLink", "latency", "lossyLink", "apLoss", "latency", "lossyLink", "latency", "lossyLink"]);
    const lat = a.did.filter((d) => d.startsWith("inject latency")).map((d) => JSON.parse(d.slice("inject latency ".length)).latencyMs);
    expect(lat).toEqual([600, 1200, 1200, 600]);
    expect(a.did.filter((d) => d.startsWith("heal")).length).toBe(9); // everything it opened, it healed
  });

  it("a profile stops at once when the run is torn down and leaves what is open to the teardown", async () => {
    const { ctx, did, lab } = fakeProfileCtx(1);
    ctx.wait = async (ms) => {
      did.push(`wait ${ms}`);
      lab.abort.abort();
    };
    await flappingAp(ctx, { outages: 3 });
    expect(did).toEqual([expect.stringMatching(/^wait /)]);
  });
});
