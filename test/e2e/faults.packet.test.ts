import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { packetDrop } from "../../src/faults/packetDrop.ts";
import { packetDelay } from "../../src/faults/packetDelay.ts";
import { packetDuplicate } from "../../src/faults/packetDuplicate.ts";
import { packetHold } from "../../src/faults/packetHold.ts";
import type { TimelineEvent } from "../../src/timeline/event.ts";
import { faultAt, runFault } from "./faults.harness.ts";

// Packet faults act in the wire tap's packet stage, in front of the device's proxy: real
// mosquitto, real Toxiproxy, the MQTT.js reference device; the wire tap records what the
// device sent (up) and what reached it (down).

const wire = (dir: "up" | "down", cmd: string) => (e: TimelineEvent) => e.src === "wire" && e.kind === "packet" && e.dir === dir && e.cmd === cmd;
const touched = (what: string) => (e: TimelineEvent) => e.src === "fault" && e.kind === "packet" && e.what === what;
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

describe("packet faults in the wire tap, with the MQTT.js reference device", () => {
  it("packetDrop: the next 2 PUBACKs to the device are gone (by packet id), the third and everything else pass", async () => {
    const run = await runFault({
      name: "packetDrop",
      faults: ["packetDrop"],
      async drive({ device, topics, bounds, inject, heal, targets, answered }, probe) {
        await probe.isUp({ within: bounds.connectMs, what: "client connects" });
        const f = await inject(packetDrop(targets, { packet: "puback", direction: "down", count: 2 }));
        for (const p of ["a", "b", "c"]) void device.publish(topics.up, p, { qos: 1 });
        await probe.count(touched("dropped"), 2, { within: bounds.deliveryMs, what: "two PUBACKs dropped" });
        await probe.count((e) => e.src === "observer" && e.kind === "recv", 3, { within: bounds.deliveryMs, what: "the broker has all three" });
        await probe.count(wire("down", "puback"), 1, { within: bounds.deliveryMs, what: "one PUBACK reaches the device" });
        await heal(f);
      },
    });
    expect(run.failures).toEqual([]);
    const ev = run.events;
    const sent = ev.filter(wire("up", "publish")).map((e) => e.messageId);
    const dropped = ev.filter(touched("dropped"));
    expect(dropped.map((e) => [e.cmd, e.dir, e.n])).toEqual([
      ["puback", "down", 1],
      ["puback", "down", 2],
    ]);
    expect(dropped.map((e) => e.messageId)).toEqual(sent.slice(0, 2));
    // The device never saw those two; it saw the third.
    expect(ev.filter(wire("down", "puback")).map((e) => e.messageId)).toEqual([sent[2]]);
    for (const d of dropped) expect(d.id).toBe("packetDrop-1");
    expect(run.leftover).toEqual([]);
  });

  it("packetDuplicate: a QoS 1 PUBLISH to the device arrives twice, same packet id, and is acknowledged twice", async () => {
    const run = await runFault({
      name: "packetDuplicate",
      faults: ["packetDuplicate"],
      async drive(ctx, probe) {
        const { observer, topics, bounds, inject, heal, targets } = ctx;
        await probe.isUp({ within: bounds.connectMs, what: "client connects" });
        await probe.subscribed(ctx);
        const f = await inject(packetDuplicate(targets, { packet: "publish", direction: "down", count: 1 }));
        await observer.publish(topics.down, "twice", { qos: 1 });
        await probe.count((e) => e.src === "device" && e.kind === "msg" && e.payload === "twice", 2, { within: bounds.deliveryMs, what: "the device gets both copies" });
        await probe.count((e) => wire("up", "puback")(e), 2, { within: bounds.deliveryMs, what: "two PUBACKs" });
        await heal(f);
      },
    });
    expect(run.failures).toEqual([]);
    const ev = run.events;
    const [d] = ev.filter(touched("duplicated"));
    expect(d).toMatchObject({ cmd: "publish", dir: "down", qos: 1, dup: false });
    const copies = ev.filter((e) => wire("down", "publish")(e) && e.payload === "twice");
    expect(copies.map((e) => e.messageId)).toEqual([d!.messageId, d!.messageId]);
    expect(ev.filter(wire("up", "puback")).map((e) => e.messageId)).toEqual([d!.messageId, d!.messageId]);
    expect(run.leftover).toEqual([]);
  });

  it("packetDelay: the next PUBACK reaches the device 5 s late, and a PINGRESP behind it waits its turn", async () => {
    const run = await runFault({
      name: "packetDelay",
      faults: ["packetDelay"],
      // MQTT.js pings one keepalive after its last packet and gives up half a keepalive later
      // (KeepaliveManager): with 4 s its PINGREQ goes out about 1 s before the delayed PUBACK is
      // released, so its PINGRESP queues behind it, and its timeout is about 1 s after.
      client: { keepalive: 4 },
      async drive({ device, topics, bounds, inject, heal, targets, answered }, probe) {
        await probe.isUp({ within: bounds.connectMs, what: "client connects" });
        const f = await inject(packetDelay(targets, { packet: "puback", direction: "down", count: 1, delayMs: 5000 }));
        await answered(device.publish(topics.up, "late", { qos: 1 }), { within: 5000 + bounds.deliveryMs, what: "the publish is answered" });
        await heal(f);
      },
    });
    expect(run.failures).toEqual([]);
    const ev = run.events;
    const delayed = ev.find(touched("delayed"))!;
    const released = ev.find(touched("released"))!;
    expect(delayed).toMatchObject({ cmd: "puback", dir: "down" });
    expect(released.messageId).toBe(delayed.messageId);
    expect(released.t - delayed.t).toBeGreaterThanOrEqual(5000 - 5);
    const arrived = ev.find((e) => wire("down", "puback")(e) && e.messageId === delayed.messageId)!;
    expect(arrived.t).toBeGreaterThanOrEqual(released.t);
    // Order kept: nothing the broker sent after that PUBACK reached the device before it.
    const overtook = ev.filter((e) => e.src === "wire" && e.kind === "packet" && e.dir === "down" && e.t > delayed.t && e.t < arrived.t);
    expect(overtook).toEqual([]);
    expect(run.leftover).toEqual([]);
  });

  it("packetHold: a SUBACK is held until the heal, then released on its connection and the subscribe answered", async () => {
    const run = await runFault({
      name: "packetHold",
      faults: ["packetHold"],
      async drive({ device, topics, bounds, inject, heal, targets, answered }, probe) {
        await probe.isUp({ within: bounds.connectMs, what: "client connects" });
        const f = await inject(packetHold(targets, { packet: "suback", direction: "down", count: 1 }));
        const op = device.subscribe(`${topics.base}/held`, 1);
        await probe.event(touched("held"), { within: bounds.deliveryMs, what: "the SUBACK is held" });
        const early = await answered(op, { within: 1000 });
        expect(early).toBeUndefined();
        await heal(f);
        await answered(op, { within: bounds.deliveryMs, what: "the subscribe is answered once the SUBACK is released" });
      },
    });
    expect(run.failures).toEqual([]);
    const ev = run.events;
    const held = ev.find(touched("held"))!;
    const released = ev.find(touched("released"))!;
    expect(released.messageId).toBe(held.messageId);
    expect(released.t).toBeGreaterThanOrEqual(faultAt(ev, "packetHold", "healing"));
    const suback = ev.find((e) => wire("down", "suback")(e) && e.messageId === held.messageId)!;
    expect(suback.t).toBeGreaterThanOrEqual(released.t);
    expect(run.leftover).toEqual([]);
  });

  it("bytes pass exactly: 20 KB each way with the stage idle and with a rule armed for another packet type", async () => {
    const big = (label: string) => `${label}:${"0123456789abcdef".repeat(1280)}`;
    const run = await runFault({
      name: "packetIdle",
      faults: ["packetDrop"],
      async drive(ctx, probe) {
        const { device, observer, topics, bounds, inject, heal, targets, answered } = ctx;
        await probe.isUp({ within: bounds.connectMs, what: "client connects" });
        await probe.subscribed(ctx);
        for (const label of ["idle", "armed"]) {
          const f = label === "armed" ? await inject(packetDrop(targets, { packet: "unsuback", direction: "down", count: 1 })) : undefined;
          await answered(device.publish(topics.up, big(`${label}-up`), { qos: 1 }), { within: bounds.deliveryMs, what: `${label}: the big publish is answered` });
          await observer.publish(topics.down, big(`${label}-down`), { qos: 1 });
          await probe.event((e) => e.src === "device" && e.kind === "msg" && String(e.payload).startsWith(`${label}-down:`), { within: bounds.deliveryMs, what: `${label}: the device gets the big message` });
          if (f) await heal(f);
        }
      },
    });
    expect(run.failures).toEqual([]);
    const ev = run.events;
    for (const label of ["idle", "armed"]) {
      const up = ev.find((e) => e.src === "observer" && e.kind === "recv" && String(e.payload).startsWith(`${label}-up:`));
      const down = ev.find((e) => e.src === "device" && e.kind === "msg" && String(e.payload).startsWith(`${label}-down:`));
      expect(sha(String(up?.payload))).toBe(sha(big(`${label}-up`)));
      expect(sha(String(down?.payload))).toBe(sha(big(`${label}-down`)));
    }
    expect(ev.filter((e) => e.src === "fault" && e.kind === "packet")).toEqual([]);
    expect(ev.filter((e) => e.src === "wire" && e.kind === "unparsable")).toEqual([]);
    expect(run.leftover).toEqual([]);
  });
});
