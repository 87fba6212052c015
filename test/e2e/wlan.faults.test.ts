// The WiFi-stack faults, each through the network shim's board driver (--board rp2-pico-w, whose
// status codes all differ: IDLE 0, CONNECTING 1, no IP yet 2, GOT_IP 3, CONNECT_FAIL -1,
// WRONG_PASSWORD -3), on the real MicroPython unix port with aiomqttc and a board application
// that keeps its WLAN up (test/fixtures/scenarios/wlan_watch_adapter.py). Each fault must
// change what status() returns, on the timeline (the shim's `wlan` events).
import { describe, expect, it } from "vitest";
import { loadBoardProfile } from "../../src/boards/profile.ts";
import { statusLingers } from "../../src/faults/statusLingers.ts";
import { idleDuringConnect } from "../../src/faults/idleDuringConnect.ts";
import { connectFails } from "../../src/faults/connectFails.ts";
import { slowDhcp } from "../../src/faults/slowDhcp.ts";
import { associatedNoRoute } from "../../src/faults/associatedNoRoute.ts";
import type { Fault } from "../../src/faults/fault.ts";
import type { TimelineEvent } from "../../src/timeline/event.ts";
import { faultAt, isDevice, runFault, within } from "./faults.harness.ts";

const wlanIs = (status: number) => (e: TimelineEvent) => e.src === "device" && e.kind === "wlan" && e.status === status;

describe("WiFi-stack faults on a board's WLAN driver (unix device, --board rp2-pico-w)", () => {
  it("each fault changes what status() shows the device, and the station comes back after it", async () => {
    const run = await runFault({
      name: "wlanStack",
      device: "unix-wlan",
      // The board's WLAN driver without its heap: aiomqttc compiled from source does not fit a
      // Pico W's 160 KB on the 64-bit unix port, where every object is up to twice its size.
      board: { ...loadBoardProfile("rp2-pico-w"), freeHeapBytes: null },
      client: { keepalive: 3, response_time: 3 },
      timeoutMs: 150_000,
      async drive(ctx, probe) {
        const { device, bounds, inject, heal, wait, targets } = ctx;
        await device.up({ within: bounds.connectMs, what: "client connects" });
        await probe.event(wlanIs(3), { within: 5000, what: "the station has an address (3)", since: 0 });
        // Each: the AP goes for 1.5 s (the driver still retrying: CONNECTING), comes back, and
        // the driver shows the fault's status on the way; then the station gets its address again.
        const outage = async (f: Fault, shows: number, what: string) => {
          const a = await inject(f);
          await wait(1500);
          await heal(a);
          const healing = faultAt(probe.tl.events.filter((e) => e.id === a.id), f.kind, "healing");
          await probe.event(wlanIs(shows), { within: 8000, what, since: healing });
          await probe.event(wlanIs(3), { within: 15_000, what: `the station is back after ${f.kind}`, since: healing });
          await probe.isUp({ within: bounds.reconnectAfterHealMs, what: `client up after ${f.kind}` });
        };
        await outage(statusLingers(targets, { holdMs: 1000 }), -3, "status lingers in WRONG_PASSWORD (-3) after the AP is back");
        await outage(idleDuringConnect(targets, { idleMs: 1000 }), 0, "status shows IDLE (0) in the middle of the connect");
        await outage(connectFails(targets, { times: 1 }), -1, "the first connect after the AP is back fails (-1)");
        await outage(slowDhcp(targets, { dhcpMs: 3000 }), 2, "associated without an address (2) while DHCP is slow");
        // Associated, nothing passes: status() stays GOT_IP while the client loses the broker.
        const a = await inject(associatedNoRoute(targets));
        await probe.event(isDevice("down"), { within: bounds.outageDetectionMs + 5000, what: "the client notices nothing passes", since: faultAt(probe.tl.events, "associatedNoRoute", "start") });
        await heal(a);
        await probe.isUp({ within: bounds.reconnectAfterHealMs, what: "client up after associatedNoRoute" });
        await wait(500);
      },
    });
    expect(run.failures, JSON.stringify(run.result)).toEqual([]);
    expect(run.result.verdict, run.result.reason).not.toBe("error");
    const ev = run.events;
    const statusesIn = (kind: string) => {
      const from = faultAt(ev, kind, "start");
      const next = ev.find((e) => e.src === "fault" && e.kind === "start" && e.t > from)?.t ?? Infinity;
      return within(ev, from, next).filter(isDevice("wlan")).map((e) => e.status as number);
    };
    const seen = Object.fromEntries(["statusLingers", "idleDuringConnect", "connectFails", "slowDhcp", "associatedNoRoute"].map((k) => [k, statusesIn(k)]));
    console.log(`status() values the device was shown, per fault: ${JSON.stringify(seen)}`);
    expect(seen.statusLingers).toContain(-3);
    expect(seen.idleDuringConnect!.slice(seen.idleDuringConnect!.indexOf(0))).toContain(3);
    expect(seen.connectFails).toContain(-1);
    expect(seen.slowDhcp).toContain(2);
    // Associated with no route: the driver never said anything but GOT_IP while the wire was cut.
    const [from, to] = [faultAt(ev, "associatedNoRoute", "injected"), faultAt(ev, "associatedNoRoute", "healing")];
    expect(within(ev, from, to).filter(isDevice("wlan")).every((e) => e.status === 3)).toBe(true);
    expect(within(ev, from, to).filter(isDevice("down")).length).toBeGreaterThan(0);
    // The lab says which board it emulated, with its codes.
    expect(ev.find((e) => e.src === "lab" && e.kind === "board")).toMatchObject({ name: "rp2-pico-w", statuses: { GOT_IP: 3, NOIP: 2 } });
    expect(run.leftover).toEqual([]);
  }, 200_000);
});
