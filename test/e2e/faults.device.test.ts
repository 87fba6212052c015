import { describe, expect, it } from "vitest";
import { apLoss } from "../../src/faults/apLoss.ts";
import { powerCycle } from "../../src/faults/powerCycle.ts";
import { brokerLog, deviceLog, faultAt, isDevice, observerRecv, publishRoundTrips, runFault, within } from "./faults.harness.ts";

describe("faults with a device half, on the MicroPython unix port with aiomqttc", () => {
  it("apLoss: the device's own WLAN reports down and nothing passes either way; healed, the WLAN is back and so is the client", async () => {
    const run = await runFault({
      name: "apLoss",
      device: "unix-wlan",
      client: { keepalive: 3, response_time: 3 },
      async drive({ device, topics, bounds, inject, heal, targets }, probe) {
        await device.up({ within: bounds.connectMs, what: "client connects" });
        await probe.event(deviceLog(/wlan isconnected=True/), { within: 2000, what: "the device's WLAN is up", since: 0 });
        const up = device.publishEvery(topics.up, { qos: 1, everyMs: 200 });
        await up.acked(3, { within: bounds.connectMs, what: "publishes flow before" });
        const f = await inject(apLoss(targets));
        await probe.event(deviceLog(/wlan isconnected=False/), { within: 2000, what: "the device sees its WLAN down", since: faultAt(probe.tl.events, "apLoss", "start") });
        await probe.event(isDevice("down"), { within: bounds.outageDetectionMs + 5000, what: "the client notices the outage" });
        await heal(f);
        await probe.event(deviceLog(/wlan isconnected=True/), { within: 2000, what: "the device sees its WLAN up again", since: faultAt(probe.tl.events, "apLoss", "healing") });
        await device.up({ within: bounds.reconnectAfterHealMs, what: "client reconnects after the AP is back" });
        await up.acked(3, { within: bounds.reconnectCycleMs, what: "publishes flow after" });
        await up.stop();
      },
    });
    expect(run.failures).toEqual([]);
    const ev = run.events;
    const [injected, healing, end] = [faultAt(ev, "apLoss", "injected"), faultAt(ev, "apLoss", "healing"), faultAt(ev, "apLoss", "end")];
    const wlan = ev.filter(deviceLog(/wlan isconnected/)).map((e) => ({ t: e.t, up: /=True/.test(String(e.line)) }));
    expect(wlan.map((w) => w.up)).toEqual([true, false, true]);
    expect(wlan[1]!.t).toBeGreaterThan(faultAt(ev, "apLoss", "start"));
    expect(wlan[1]!.t).toBeLessThanOrEqual(injected + 100);
    expect(wlan[2]!.t).toBeGreaterThan(healing);
    const down = ev.find((e) => isDevice("down")(e) && e.t > injected)!.t;
    console.log(`apLoss: aiomqttc (keepalive 3 s) reported down ${Math.round(down - injected)} ms after the AP went; up again ${Math.round(ev.find((e) => isDevice("up")(e) && e.t > healing)!.t - end)} ms after the heal`);
    // Nothing passed: no message reached the observer, no publish was acknowledged, and every
    // CONNECT the broker accepted from the client was answered to it (so none got through).
    expect(within(ev, injected + 50, healing).filter(observerRecv)).toEqual([]);
    expect(publishRoundTrips(ev).filter((r) => r.ok && r.t > injected + 50 && r.t + r.ms < healing)).toEqual([]);
    expect(ev.filter(brokerLog(new RegExp(`New client connected .* as ${run.clientId} `))).length).toBe(ev.filter(isDevice("up")).length);
    expect(run.leftover).toEqual([]);
  });

  it("powerCycle: the device process is killed, the broker is not told, the rebooted client connects as a new one", async () => {
    const run = await runFault({
      name: "powerCycle",
      device: "unix",
      client: { keepalive: 6 },
      async drive({ device, topics, bounds, inject, heal, targets, wait }, probe) {
        await device.up({ within: bounds.connectMs, what: "client connects" });
        const f = await inject(powerCycle(targets));
        await probe.event(isDevice("exit"), { within: 2000, what: "the device process is gone", since: 0 });
        await wait(2000); // the board stays off for 2 s, well inside the broker's 9 s keepalive timeout
        await heal(f);
        await probe.event(isDevice("hello"), { within: 10_000, what: "the device boots again", since: faultAt(probe.tl.events, "powerCycle", "healing") });
        await device.up({ within: bounds.connectMs, what: "the rebooted client connects" });
        const a = await device.publish(topics.up, "after-reboot", { qos: 1 });
        if (!a.ok) throw new Error(`publish after the reboot failed: ${a.err ?? ""}`);
        await probe.event((e) => observerRecv(e) && e.payload === "after-reboot", { within: 5000, what: "the observer hears the rebooted client", since: 0 });
      },
    });
    expect(run.failures).toEqual([]);
    const ev = run.events;
    expect(ev.find(isDevice("exit"))).toMatchObject({ signal: "SIGKILL" });
    expect(ev.filter(isDevice("hello"))).toHaveLength(2);
    expect(ev.filter(isDevice("up"))).toHaveLength(2);
    // The broker never saw the dead board's connection close: it learnt of it from the new
    // CONNECT with the same client id (mosquitto's log is counted and ordered, not timed).
    const lines = ev.filter(brokerLog(new RegExp(run.clientId))).map((e) => String(e.line).replace(/^\d+: /, ""));
    console.log(`powerCycle, what mosquitto said about the client:\n  ${lines.join("\n  ")}`);
    const firstConnect = lines.findIndex((l) => l.startsWith("New client connected"));
    const secondConnect = lines.findIndex((l, i) => i > firstConnect && l.startsWith("New client connected"));
    expect(secondConnect).toBeGreaterThan(firstConnect);
    expect(lines.slice(firstConnect + 1, secondConnect).filter((l) => /closed its connection|disconnected/.test(l))).toEqual([]);
    expect(run.leftover).toEqual([]);
  });
});
