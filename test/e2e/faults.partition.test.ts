import { describe, expect, it } from "vitest";
import { partition } from "../../src/faults/partition.ts";
import { brokerLog, deviceLog, faultAt, isDevice, observerRecv, runFault, within } from "./faults.harness.ts";

describe("partition (WLAN up, the wire silent)", () => {
  it("with MQTT.js, keepalive 6: nothing passes, no FIN or RST tells the client, its keepalive does; new connections hear nothing; after heal it is back", async () => {
    const keepalive = 6;
    const run = await runFault({
      name: "partition",
      client: { keepalive, response_time: 3 },
      async drive({ device, topics, bounds, inject, heal, targets, client }, probe) {
        await device.up({ within: bounds.connectMs, what: "client connects" });
        const up = device.publishEvery(topics.up, { qos: 1, everyMs: 200 });
        await up.acked(3, { within: bounds.connectMs, what: "publishes flow before the partition" });
        const f = await inject(partition(targets));
        await probe.event(isDevice("down"), { within: bounds.outageDetectionMs, what: "the client notices the partition by itself" });
        // Its reconnect attempt is accepted by the proxy and then hears nothing: CONNACK never comes.
        await probe.event(deviceLog(/connack timeout/), { within: 2 * client.response_time * 1000 + 2000, what: "a reconnect during the partition times out" });
        await heal(f);
        await device.up({ within: bounds.reconnectAfterHealMs, what: "client reconnects after the partition" });
        await up.acked(3, { within: bounds.reconnectCycleMs, what: "publishes flow after the partition" });
        await up.stop();
      },
    });
    expect(run.failures).toEqual([]);
    expect(run.result.verdict).toBe("pass");
    const ev = run.events;
    const injected = faultAt(ev, "partition", "injected");
    const healing = faultAt(ev, "partition", "healing");
    const down = ev.find((e) => isDevice("down")(e) && e.t > injected)!.t;
    const during = within(ev, injected + 50, healing);
    // Silent: the client learnt of it from its own keepalive (PINGREQ at 1 × keepalive of quiet,
    // timeout at 1.5 ×), not from a FIN or an RST, which would have told it at once.
    expect(ev.filter(deviceLog(/Keepalive timeout/)).length).toBeGreaterThan(0);
    expect(down - injected).toBeGreaterThan(keepalive * 1000 * 0.9);
    console.log(`partition: MQTT.js (keepalive ${keepalive} s) noticed it after ${Math.round(down - injected)} ms`);
    // Nothing passed: the observer heard nothing and the client never got back up. Every CONNECT
    // the broker accepted from it was answered to it (mosquitto's log is counted, not timed: it
    // reaches us in blocks), so none of its attempts during the partition got through.
    expect(during.filter(observerRecv)).toEqual([]);
    expect(during.filter(isDevice("up"))).toEqual([]);
    expect(ev.filter(brokerLog(new RegExp(`New client connected .* as ${run.clientId} `))).length).toBe(ev.filter(isDevice("up")).length);
    // After the heal everything flows again.
    expect(within(ev, healing, Infinity).filter(observerRecv).length).toBeGreaterThanOrEqual(3);
    expect(run.leftover).toEqual([]);
  });
});
