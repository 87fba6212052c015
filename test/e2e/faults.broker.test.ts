import { describe, expect, it } from "vitest";
import { brokerShutdown } from "../../src/faults/brokerShutdown.ts";
import { brokerFreeze } from "../../src/faults/brokerFreeze.ts";
import { brokerRestart } from "../../src/faults/brokerRestart.ts";
import type { TimelineEvent } from "../../src/timeline/event.ts";
import { deviceLog, faultAt, isDevice, observerRecv, procState, publishRoundTrips, runFault, within } from "./faults.harness.ts";

const brokerReady = (e: TimelineEvent) => e.src === "broker" && e.kind === "ready";

describe("broker faults, with the MQTT.js reference device", () => {
  it("brokerShutdown: SIGTERM closes the connection at once (no keepalive needed), reconnects fail until the broker is started again", async () => {
    const run = await runFault({
      name: "brokerShutdown",
      client: { keepalive: 6 },
      async drive({ device, topics, bounds, inject, heal, targets, wait }, probe) {
        await device.up({ within: bounds.connectMs, what: "client connects" });
        const up = device.publishEvery(topics.up, { qos: 1, everyMs: 100 });
        await up.acked(3, { within: bounds.connectMs, what: "publishes flow before" });
        const f = await inject(brokerShutdown(targets));
        await probe.event(isDevice("down"), { within: 2000, what: "the client sees the clean close", since: 0 });
        await wait(bounds.reconnectCycleMs); // the broker stays down for one reconnect cycle of the client's
        await heal(f);
        await device.up({ within: bounds.reconnectAfterHealMs, what: "client reconnects after the broker is back" });
        await up.acked(3, { within: bounds.reconnectCycleMs, what: "publishes flow after" });
        await up.stop();
      },
    });
    expect(run.failures).toEqual([]);
    const ev = run.events;
    const [start, healing] = [faultAt(ev, "brokerShutdown", "start"), faultAt(ev, "brokerShutdown", "healing")];
    expect(ev.find((e) => e.src === "broker" && e.kind === "exit")).toMatchObject({ how: "SIGTERM", code: 0 });
    const down = ev.find((e) => isDevice("down")(e) && e.t > start)!.t;
    console.log(`brokerShutdown: MQTT.js down ${Math.round(down - start)} ms after SIGTERM`);
    expect(down - start).toBeLessThan(1500);
    expect(within(ev, down, healing).filter(isDevice("up"))).toEqual([]);
    expect(ev.filter(brokerReady)).toHaveLength(2);
    expect(run.leftover).toEqual([]);
  });

  it("brokerFreeze: the process is stopped (T), sockets stay up and silent so only the keepalive tells the client; SIGCONT and it is back", async () => {
    const keepalive = 2;
    let frozenState: string | undefined;
    let thawedState: string | undefined;
    const run = await runFault({
      name: "brokerFreeze",
      client: { keepalive, response_time: 2 },
      async drive({ device, topics, bounds, inject, heal, targets }, probe) {
        await device.up({ within: bounds.connectMs, what: "client connects" });
        const up = device.publishEvery(topics.up, { qos: 1, everyMs: 100 });
        await up.acked(3, { within: bounds.connectMs, what: "publishes flow before" });
        const pid = Number(probe.tl.last((e) => brokerReady(e))!.pid);
        const f = await inject(brokerFreeze(targets));
        // SIGSTOP lands asynchronously: give the kernel a moment to stop the whole group.
        for (let i = 0; i < 100 && procState(pid) !== "T"; i++) await new Promise((r) => setTimeout(r, 10));
        frozenState = procState(pid);
        await probe.event(isDevice("down"), { within: bounds.outageDetectionMs, what: "the client notices the frozen broker by its keepalive" });
        await heal(f);
        for (let i = 0; i < 100 && procState(pid) === "T"; i++) await new Promise((r) => setTimeout(r, 10));
        thawedState = procState(pid);
        await device.up({ within: bounds.reconnectAfterHealMs, what: "client reconnects after the thaw" });
        await up.acked(3, { within: bounds.reconnectCycleMs, what: "publishes flow after" });
        await up.stop();
      },
    });
    expect(run.failures).toEqual([]);
    expect(frozenState).toBe("T");
    expect(thawedState).not.toBe("T");
    const ev = run.events;
    const [injected, healing] = [faultAt(ev, "brokerFreeze", "injected"), faultAt(ev, "brokerFreeze", "healing")];
    const down = ev.find((e) => isDevice("down")(e) && e.t > injected)!.t;
    console.log(`brokerFreeze: MQTT.js (keepalive ${keepalive} s) noticed it after ${Math.round(down - injected)} ms`);
    expect(ev.filter(deviceLog(/Keepalive timeout/)).length).toBeGreaterThan(0);
    expect(down - injected).toBeGreaterThan(keepalive * 1000 * 0.9);
    // TCP stayed up: no refusal, no reset, and the broker acknowledged nothing while frozen.
    expect(within(ev, injected, healing).filter(deviceLog(/ECONNREFUSED|ECONNRESET/))).toEqual([]);
    expect(publishRoundTrips(ev).filter((r) => r.ok && r.t > injected + 50 && r.t + r.ms < healing)).toEqual([]);
    expect(within(ev, injected + 50, healing).filter(observerRecv)).toEqual([]);
    expect(ev.filter(brokerReady)).toHaveLength(1); // the same process all along
    expect(run.leftover).toEqual([]);
  });

  it("brokerRestart: down and straight back up; SIGKILL on a non-durable broker loses the session, SIGTERM keeps it", async () => {
    const run = await runFault({
      name: "brokerRestart",
      durable: false,
      client: { clean: false, clean_init: true, keepalive: 6 },
      async drive({ device, topics, bounds, inject, heal, targets }, probe) {
        await device.up({ within: bounds.connectMs, what: "client connects" });
        const up = device.publishEvery(topics.up, { qos: 1, everyMs: 100 });
        await up.acked(3, { within: bounds.connectMs, what: "publishes flow before" });
        for (const signal of ["SIGKILL", "SIGTERM"] as const) {
          const f = await inject(brokerRestart(targets, { signal }));
          await probe.event(isDevice("up"), { within: bounds.reconnectAfterHealMs, what: `client reconnects after the ${signal} restart`, since: faultAt(probe.tl.events, "brokerRestart", "start") });
          await heal(f);
          await up.acked(3, { within: bounds.reconnectCycleMs, what: `publishes flow after the ${signal} restart` });
        }
        await up.stop();
      },
    });
    expect(run.failures).toEqual([]);
    const ev = run.events;
    const starts = ev.filter((e) => e.src === "fault" && e.kind === "start" && e.fault === "brokerRestart");
    const injected = ev.filter((e) => e.src === "fault" && e.kind === "injected" && e.fault === "brokerRestart");
    expect(starts.map((e) => (e.params as { signal: string }).signal)).toEqual(["SIGKILL", "SIGTERM"]);
    // Each restart: the old process exits the way asked, a new one is ready before inject() returns.
    expect(ev.filter((e) => e.src === "broker" && e.kind === "exit").map((e) => e.how)).toEqual(["SIGKILL", "SIGTERM"]);
    const readies = ev.filter(brokerReady);
    expect(readies).toHaveLength(3);
    expect(new Set(readies.map((e) => e.pid)).size).toBe(3);
    expect(readies[1]!.t).toBeLessThanOrEqual(injected[0]!.t);
    expect(readies[2]!.t).toBeLessThanOrEqual(injected[1]!.t);
    // The session: gone after the crash-restart of a non-durable broker, kept through the clean one.
    const ups = ev.filter(isDevice("up"));
    const after = (t: number) => ups.find((e) => e.t > t)!;
    expect(after(starts[0]!.t).session_present).toBe(false);
    expect(after(starts[1]!.t).session_present).toBe(true);
    expect(run.leftover).toEqual([]);
  });
});
