import { describe, expect, it } from "vitest";
import type { Fault, FaultTargets } from "../../src/faults/fault.ts";
import { fault } from "../../src/faults/index.ts";
import { addToxics } from "../../src/faults/toxics.ts";
import type { TimelineEvent } from "../../src/timeline/event.ts";
import { runFault, type Device } from "./faults.harness.ts";

/**
 * Each fault, interrupted while in effect the way Ctrl-C interrupts a run (every live lab torn
 * down): teardown must restore it — no toxic left on the proxy, no broker left stopped — and
 * leave no process behind. The proxy and the broker are inspected synchronously the moment
 * the nemesis has restored the fault, before teardown stops them.
 */
const cases: { name: string; make: (t: FaultTargets) => Fault; at?: (e: TimelineEvent) => boolean; device?: Device }[] = [
  { name: "brokerCrash", make: (t) => fault("brokerCrash", t) },
  { name: "brokerShutdown", make: (t) => fault("brokerShutdown", t) },
  { name: "brokerFreeze", make: (t) => fault("brokerFreeze", t) },
  // In the middle of inject(): the broker is going down and will not be let up again.
  { name: "brokerRestart", make: (t) => fault("brokerRestart", t), at: (e) => e.src === "fault" && e.kind === "start" },
  { name: "apLoss", make: (t) => fault("apLoss", t), device: "unix-wlan" },
  { name: "partition", make: (t) => fault("partition", t) },
  { name: "latency", make: (t) => fault("latency", t, { latencyMs: 2000, jitterMs: 100 }) },
  { name: "bandwidth", make: (t) => fault("bandwidth", t, { rateKBps: 1 }) },
  { name: "slicer", make: (t) => fault("slicer", t, { averageSizeBytes: 1, delayUs: 10_000 }) },
  { name: "cutMidPacket", make: (t) => fault("cutMidPacket", t, { bytes: 10 }) },
  { name: "reset", make: (t) => fault("reset", t) },
  // While the link is stalled, with its chain still stepping.
  { name: "lossyLink", make: (t) => fault("lossyLink", t, { stepMs: 50, pGoodToBad: 1, pBadToGood: 0.2 }), at: (e) => e.src === "fault" && e.kind === "stall" },
  { name: "powerCycle", make: (t) => fault("powerCycle", t) },
];

describe("every fault is restored when the run is interrupted", () => {
  for (const c of cases) {
    it(`${c.name}: no toxic, no stopped broker, no process left`, async () => {
      const run = await runFault({
        name: `interrupt-${c.name}`,
        device: c.device ?? "node",
        async drive({ device, topics, bounds, inject, wait, targets }) {
          await device.up({ within: bounds.connectMs, what: "client connects" });
          device.publishEvery(topics.up, { qos: 1, everyMs: 100 });
          await inject(c.make(targets));
          await wait(40_000); // ends at once when the lab is torn down
        },
        interruptOn: c.at ?? ((e) => e.src === "fault" && e.kind === "injected"),
      });
      expect(run.result.verdict).toBe("error");
      expect(run.result.reason).toBe("interrupted");
      expect(run.failures).toEqual(['error: "interrupted"']); // and no teardown.problem
      const ev = run.events;
      const end = ev.find((e) => e.src === "fault" && e.kind === "end");
      expect(end).toMatchObject({ fault: c.name, atTeardown: true });
      expect(run.atTeardown?.toxics).toEqual([]);
      expect(run.atTeardown?.brokerState).not.toBe("T");
      // Nothing fault-made happens after the restore (lossyLink's chain has stopped stepping).
      expect(ev.filter((e) => e.src === "fault" && e.t > end!.t)).toEqual([]);
      expect(run.leftover).toEqual([]);
    });
  }
});

describe("the teardown inspection itself", () => {
  it("catches a fault that forgets to restore: its toxic and its stopped broker are seen", async () => {
    const run = await runFault({
      name: "interrupt-forgetful",
      async drive({ device, bounds, inject, wait, targets }) {
        await device.up({ within: bounds.connectMs, what: "client connects" });
        await inject({
          kind: "forgetful",
          params: {},
          async inject() {
            await addToxics(targets.link, "forgetful", [{ type: "latency", stream: "upstream", attributes: { latency: 10, jitter: 0 } }]);
            targets.broker.freeze();
          },
          heal: async () => {},
          restore: async () => {},
        });
        await wait(40_000);
      },
      interruptOn: (e) => e.src === "fault" && e.kind === "injected",
    });
    expect(run.atTeardown?.toxics).toHaveLength(1);
    expect(run.atTeardown?.brokerState).toBe("T");
    expect(run.leftover).toEqual([]); // the lab's own teardown still stops everything
  });
});
