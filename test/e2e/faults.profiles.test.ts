import { describe, expect, it } from "vitest";
import { seededRandom } from "../../src/lab/random.ts";
import { childRandom } from "../../src/faults/seeded.ts";
import { flappingAp, flappingApSchedule } from "../../src/faults/profiles/flappingAp.ts";
import { walkOutOfRange } from "../../src/faults/profiles/walkOutOfRange.ts";
import { noisyRadio } from "../../src/faults/profiles/noisyRadio.ts";
import { faradayCage } from "../../src/faults/profiles/faradayCage.ts";
import type { TimelineEvent } from "../../src/timeline/event.ts";
import { isDevice, isFault, observerRecv, runFault, within } from "./faults.harness.ts";

const faultStarts = (ev: TimelineEvent[]) => ev.filter(isFault("start")).map((e) => ({ fault: e.fault, params: e.params }));

describe("profiles, with the MQTT.js reference device", () => {
  const flaps = { outages: 3, minOutageMs: 300, maxOutageMs: 900, minGapMs: 300, maxGapMs: 900 };
  const flapRun = () =>
    runFault({
      name: "flappingAp",
      seed: 31337,
      async drive(ctx, probe) {
        const { device, topics, bounds } = ctx;
        await device.up({ within: bounds.connectMs, what: "client connects" });
        const up = device.publishEvery(topics.up, { qos: 1, everyMs: 100 });
        await flappingAp(ctx, flaps);
        await probe.isUp({ within: bounds.reconnectAfterHealMs, what: "client is up after the last flap" });
        await up.acked(3, { within: bounds.reconnectCycleMs, what: "publishes flow after the flapping" });
        await up.stop();
      },
    });

  it("flappingAp: the seed's schedule is on the timeline and is what happened; the same seed replays it", async () => {
    const [a, b] = [await flapRun(), await flapRun()];
    for (const run of [a, b]) {
      expect(run.failures).toEqual([]);
      expect(run.leftover).toEqual([]);
    }
    const plan = a.events.find(isFault("profile"))!;
    expect(plan.schedule).toEqual(flappingApSchedule(childRandom(seededRandom(31337)), flaps));
    expect(b.events.find(isFault("profile"))!.schedule).toEqual(plan.schedule);
    expect(faultStarts(b.events)).toEqual(faultStarts(a.events));
    // Each outage lasted as planned (the waits are the schedule's; the proxy calls take a few ms).
    const planned = (plan.schedule as { outageMs: number }[]).map((f) => f.outageMs);
    const injected = a.events.filter((e) => isFault("injected")(e) && e.fault === "apLoss");
    const healing = a.events.filter((e) => isFault("healing")(e) && e.fault === "apLoss");
    expect(injected).toHaveLength(3);
    injected.forEach((e, i) => {
      const lasted = healing[i]!.t - e.t;
      expect(lasted).toBeGreaterThanOrEqual(planned[i]! - 5);
      expect(lasted).toBeLessThan(planned[i]! + 250);
    });
  });

  it("walkOutOfRange: latency and stalls rise, an AP loss, the way back; the client rides it out and is back at the end", async () => {
    const run = await runFault({
      name: "walkOutOfRange",
      seed: 7,
      client: { keepalive: 6 },
      async drive(ctx, probe) {
        const { device, topics, bounds } = ctx;
        await device.up({ within: bounds.connectMs, what: "client connects" });
        const up = device.publishEvery(topics.up, { qos: 1, everyMs: 100 });
        await walkOutOfRange(ctx, { steps: 2, stepMs: 800, maxLatencyMs: 300, outageMs: 1500 });
        await probe.isUp({ within: bounds.reconnectAfterHealMs, what: "client is up after the walk" });
        await up.acked(3, { within: bounds.reconnectCycleMs, what: "publishes flow after the walk" });
        await up.stop();
      },
    });
    expect(run.failures).toEqual([]);
    const starts = faultStarts(run.events);
    expect(starts.map((s) => s.fault)).toEqual(["latency", "lossyLink", "latency", "lossyLink", "apLoss", "latency", "lossyLink", "latency", "lossyLink"]);
    expect(starts.filter((s) => s.fault === "latency").map((s) => (s.params as { latencyMs: number }).latencyMs)).toEqual([150, 300, 300, 150]);
    // Every fault it opened it closed, before the profile ended.
    const profileEnd = run.events.find(isFault("profile.end"))!.t;
    expect(run.events.filter(isFault("end")).filter((e) => e.t <= profileEnd)).toHaveLength(9);
    expect(run.leftover).toEqual([]);
  });

  it("walkOutOfRange interrupted half-way: teardown restores what the walk had open", async () => {
    const run = await runFault({
      name: "walkOutOfRange-interrupted",
      async drive(ctx) {
        await ctx.device.up({ within: ctx.bounds.connectMs, what: "client connects" });
        await walkOutOfRange(ctx, { steps: 3, stepMs: 5000 });
      },
      interruptOn: (e) => isFault("injected")(e) && e.fault === "lossyLink",
    });
    expect(run.result.reason).toBe("interrupted");
    expect(run.failures).toEqual(['error: "interrupted"']);
    expect(run.events.filter((e) => isFault("end")(e) && e.atTeardown).map((e) => e.fault)).toEqual(["lossyLink", "latency"]);
    expect(run.events.filter(isFault("start")).length).toBe(2); // and it started nothing after
    expect(run.atTeardown?.toxics).toEqual([]);
    expect(run.leftover).toEqual([]);
  });

  it("noisyRadio: jittery latency and stalls together; slow, uneven, nothing lost, the client stays up", async () => {
    const run = await runFault({
      name: "noisyRadio",
      client: { keepalive: 6 },
      async drive(ctx) {
        const { device, topics, bounds } = ctx;
        await device.up({ within: bounds.connectMs, what: "client connects" });
        const up = device.publishEvery(topics.up, { qos: 1, everyMs: 50 });
        await noisyRadio(ctx, { durationMs: 3000, loss: { pGoodToBad: 0.3, pBadToGood: 0.5 } });
        await up.acked(3, { within: bounds.reconnectCycleMs, what: "publishes flow after the noise" });
        await up.stop();
      },
    });
    expect(run.failures).toEqual([]);
    const ev = run.events;
    expect(faultStarts(ev).map((s) => s.fault)).toEqual(["latency", "lossyLink"]);
    expect(ev.filter(isFault("stall")).length).toBeGreaterThan(0);
    const seqs = ev.filter(observerRecv).map((e) => Number(String(e.payload).slice(4)));
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    const [start, end] = [ev.find(isFault("profile"))!.t, ev.find(isFault("profile.end"))!.t];
    expect(within(ev, start, end).filter(isDevice("down"))).toEqual([]);
    expect(run.leftover).toEqual([]);
  });

  it("faradayCage: a silent outage of three keepalives; the client finds out by itself and is back after", async () => {
    const keepalive = 2;
    const run = await runFault({
      name: "faradayCage",
      client: { keepalive, response_time: 2 },
      async drive(ctx, probe) {
        const { device, topics, bounds } = ctx;
        await device.up({ within: bounds.connectMs, what: "client connects" });
        const up = device.publishEvery(topics.up, { qos: 1, everyMs: 100 });
        await faradayCage(ctx);
        await probe.isUp({ within: bounds.reconnectAfterHealMs, what: "client is up after the cage" });
        await up.acked(3, { within: bounds.reconnectCycleMs, what: "publishes flow after the cage" });
        await up.stop();
      },
    });
    expect(run.failures).toEqual([]);
    const ev = run.events;
    const [injected, healing] = [ev.find(isFault("injected"))!.t, ev.find(isFault("healing"))!.t];
    expect(healing - injected).toBeGreaterThanOrEqual(3 * keepalive * 1000 - 5);
    expect(within(ev, injected, healing).filter(isDevice("down"))).toHaveLength(1);
    expect(within(ev, injected + 50, healing).filter(observerRecv)).toEqual([]);
    expect(run.leftover).toEqual([]);
  });
});
