import { describe, expect, it } from "vitest";
import { connect, type Socket } from "node:net";
import { latency } from "../../src/faults/latency.ts";
import { bandwidth } from "../../src/faults/bandwidth.ts";
import { slicer } from "../../src/faults/slicer.ts";
import { cutMidPacket } from "../../src/faults/cutMidPacket.ts";
import { reset } from "../../src/faults/reset.ts";
import { gilbertElliottParams, gilbertElliottStates, lossyLink } from "../../src/faults/lossyLink.ts";
import { seededRandom } from "../../src/lab/random.ts";
import type { TimelineEvent } from "../../src/timeline/event.ts";
import { deviceLog, faultAt, isDevice, isFault, observerRecv, publishRoundTrips, runFault, within } from "./faults.harness.ts";

/** An MQTT 3.1.1 CONNECT (clean session, keepalive 60 s), byte by byte. */
function connectPacket(clientId: string): Buffer {
  const id = Buffer.from(clientId);
  const variable = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c, id.length >> 8, id.length & 0xff]);
  const rest = Buffer.concat([variable, id]);
  return Buffer.concat([Buffer.from([0x10, rest.length]), rest]);
}

/**
 * A bare TCP client through the device's proxy: sends a CONNECT and reports every read it got
 * (the pieces, as the socket delivered them) until the connection ends or `bytes` arrived.
 */
function rawConnect(port: number, bytes: number, withinMs: number): Promise<{ reads: Buffer[]; ended: "fin" | "reset" | "complete" | "timeout"; err?: string }> {
  return new Promise((resolve) => {
    const reads: Buffer[] = [];
    const s: Socket = connect({ host: "127.0.0.1", port }, () => s.write(connectPacket(`faraday-raw-${port}`)));
    const done = (ended: "fin" | "reset" | "complete" | "timeout", err?: string) => {
      clearTimeout(timer);
      s.destroy();
      resolve({ reads, ended, ...(err ? { err } : {}) });
    };
    const timer = setTimeout(() => done("timeout"), withinMs);
    s.on("data", (d: Buffer) => {
      reads.push(d);
      if (Buffer.concat(reads).length >= bytes) done("complete");
    });
    s.on("end", () => done("fin"));
    s.on("error", (e: NodeJS.ErrnoException) => done("reset", e.code));
  });
}

const payloadOf = (e: TimelineEvent) => String(e.payload);

describe("wire faults on the device's proxy, with the MQTT.js reference device", () => {
  it("latency, downstream only: PUBACKs come late, PUBLISHes reach the broker at once; healed, both are quick", async () => {
    const run = await runFault({
      name: "latency",
      async drive({ device, topics, bounds, inject, heal, targets }) {
        await device.up({ within: bounds.connectMs, what: "client connects" });
        const up = device.publishEvery(topics.up, { qos: 1, everyMs: 100 });
        await up.acked(3, { within: bounds.connectMs, what: "publishes flow before" });
        const f = await inject(latency(targets, { latencyMs: 400, jitterMs: 50, direction: "downstream" }));
        await up.acked(4, { within: bounds.reconnectCycleMs, what: "publishes are acknowledged, late" });
        await heal(f);
        await up.acked(4, { within: bounds.reconnectCycleMs, what: "publishes flow after" });
        await up.stop();
      },
    });
    expect(run.failures).toEqual([]);
    const ev = run.events;
    const [injected, healing, end] = [faultAt(ev, "latency", "injected"), faultAt(ev, "latency", "healing"), faultAt(ev, "latency", "end")];
    const rts = publishRoundTrips(ev);
    const during = rts.filter((r) => r.t > injected && r.t + r.ms < healing);
    const after = rts.filter((r) => r.t > end);
    expect(during.length).toBeGreaterThanOrEqual(3);
    for (const r of during) expect(r.ms).toBeGreaterThanOrEqual(400 - 50 - 5);
    // The PUBLISH itself went upstream, untouched: the observer had it long before the PUBACK came back.
    for (const r of during) {
      const recv = ev.find((e) => observerRecv(e) && payloadOf(e) === r.payload)!;
      expect(recv.t - r.t).toBeLessThan(200);
    }
    expect(after.length).toBeGreaterThanOrEqual(3);
    for (const r of after) expect(r.ms).toBeLessThan(200);
    console.log(`latency 400±50 ms downstream: round trips ${during.map((r) => Math.round(r.ms)).join(", ")} ms; after heal ${after.map((r) => Math.round(r.ms)).join(", ")} ms`);
    expect(run.leftover).toEqual([]);
  });

  it("bandwidth 4 KB/s: a 12 KB publish takes about 3 s up, an 8 KB message about 2 s down; healed, both are quick", async () => {
    const big = "u".repeat(12_000);
    const bigDown = "d".repeat(8_000);
    const run = await runFault({
      name: "bandwidth",
      async drive(ctx, probe) {
        const { device, observer, topics, bounds, inject, heal, targets } = ctx;
        await device.up({ within: bounds.connectMs, what: "client connects" });
        await probe.subscribed(ctx);
        const f = await inject(bandwidth(targets, { rateKBps: 4 }));
        const since = probe.tl.now();
        await Promise.all([device.publish(topics.up, `slow:${big}`, { qos: 1 }), observer.publish(topics.down, `slow:${bigDown}`, { qos: 1 })]);
        await probe.event((e) => isDevice("msg")(e) && String(e.payload).startsWith("slow:"), { within: 10_000, what: "the slow message reaches the device", since });
        await heal(f);
        await Promise.all([device.publish(topics.up, `fast:${big}`, { qos: 1 }), observer.publish(topics.down, `fast:${bigDown}`, { qos: 1 })]);
        await probe.event((e) => isDevice("msg")(e) && String(e.payload).startsWith("fast:"), { within: 10_000, what: "the fast message reaches the device", since });
      },
    });
    expect(run.failures).toEqual([]);
    const ev = run.events;
    const upMs = (tag: string) => {
      const op = ev.find((e) => isDevice("op")(e) && e.op === "publish" && String(e.payload).startsWith(tag))!;
      return ev.find((e) => observerRecv(e) && payloadOf(e).startsWith(tag))!.t - op.t;
    };
    const downMs = (tag: string) => {
      const pub = ev.find((e) => e.src === "observer" && e.kind === "puback" && payloadOf(e).startsWith(tag))!;
      return ev.find((e) => isDevice("msg")(e) && payloadOf(e).startsWith(tag))!.t - pub.t;
    };
    console.log(`bandwidth 4 KB/s: 12 KB up in ${Math.round(upMs("slow:"))} ms (then ${Math.round(upMs("fast:"))} ms), 8 KB down in ${Math.round(downMs("slow:"))} ms (then ${Math.round(downMs("fast:"))} ms)`);
    expect(upMs("slow:")).toBeGreaterThan(2500);
    expect(upMs("slow:")).toBeLessThan(6000);
    expect(downMs("slow:")).toBeGreaterThan(1500);
    expect(upMs("fast:")).toBeLessThan(500);
    expect(downMs("fast:")).toBeLessThan(500);
    expect(run.leftover).toEqual([]);
  });

  it("slicer: a 4-byte CONNACK arrives one byte per read; the client and broker reassemble, publishes flow all along", async () => {
    let reads: Buffer[] = [];
    const run = await runFault({
      name: "slicer",
      async drive({ device, topics, bounds, inject, heal, targets }) {
        await device.up({ within: bounds.connectMs, what: "client connects" });
        const up = device.publishEvery(topics.up, { qos: 1, everyMs: 100 });
        // 25 ms between pieces: a read holds one piece unless the test's own event loop stalls
        // longer than that (seen at 10 ms under a load of 12 on 2 cores: all 4 bytes in one read).
        const f = await inject(slicer(targets, { averageSizeBytes: 1, delayUs: 25_000 }));
        const raw = await rawConnect(targets.link.listenPort, 4, 5000);
        reads = raw.reads;
        await up.acked(3, { within: bounds.connectMs, what: "publishes flow while sliced" });
        await heal(f);
        await up.acked(3, { within: bounds.reconnectCycleMs, what: "publishes flow after" });
        await up.stop();
      },
    });
    expect(run.failures).toEqual([]);
    expect(Buffer.concat(reads)).toEqual(Buffer.from([0x20, 0x02, 0x00, 0x00])); // CONNACK, accepted
    // Sliced: more than one read, none holding the whole packet (one byte each on a quiet machine).
    expect(reads.length).toBeGreaterThan(1);
    expect(Math.max(...reads.map((r) => r.length))).toBeLessThan(4);
    const ev = run.events;
    const [injected, healing] = [faultAt(ev, "slicer", "injected"), faultAt(ev, "slicer", "healing")];
    expect(within(ev, injected, healing).filter(isDevice("down"))).toEqual([]);
    expect(within(ev, injected, healing).filter(observerRecv).length).toBeGreaterThanOrEqual(3);
    expect(run.leftover).toEqual([]);
  });

  it("cutMidPacket: the connection dies inside a 200-byte PUBLISH, which never arrives; a raw reader gets exactly the bytes allowed; healed, it is delivered", async () => {
    let raw: Awaited<ReturnType<typeof rawConnect>> | undefined;
    const big = `cut:${"x".repeat(200)}`;
    const run = await runFault({
      name: "cutMidPacket",
      async drive({ device, topics, bounds, inject, heal, targets }, probe) {
        await device.up({ within: bounds.connectMs, what: "client connects" });
        const f = await inject(cutMidPacket(targets, { bytes: 50 }));
        void device.publish(topics.up, big, { qos: 1 });
        await probe.event(isDevice("down"), { within: 5000, what: "the cut ends the connection" });
        await heal(f);
        const g = await inject(cutMidPacket(targets, { bytes: 2, direction: "downstream" }));
        raw = await rawConnect(targets.link.listenPort, 4, 5000);
        await heal(g);
        await device.up({ within: bounds.reconnectAfterHealMs, what: "client reconnects after the cut" });
        await probe.event((e) => observerRecv(e) && e.payload === big, { within: bounds.reconnectCycleMs, what: "the cut message arrives after the heal (MQTT.js resends it)", since: 0 });
      },
    });
    expect(run.failures).toEqual([]);
    const ev = run.events;
    const healing = faultAt(ev, "cutMidPacket", "healing");
    expect(ev.filter((e) => observerRecv(e) && e.payload === big && e.t < healing)).toEqual([]);
    // Inside a packet, to the byte: 2 of the CONNACK's 4 bytes, then the end of the connection.
    expect(raw?.ended).toBe("fin");
    expect(Buffer.concat(raw!.reads)).toEqual(Buffer.from([0x20, 0x02]));
    expect(run.leftover).toEqual([]);
  });

  it("reset: the live connection is closed at its next packet, every reconnect is answered with an RST; healed, it is back", async () => {
    let raw: Awaited<ReturnType<typeof rawConnect>> | undefined;
    const run = await runFault({
      name: "reset",
      async drive({ device, topics, bounds, inject, heal, targets }, probe) {
        await device.up({ within: bounds.connectMs, what: "client connects" });
        const up = device.publishEvery(topics.up, { qos: 1, everyMs: 100 });
        await up.acked(3, { within: bounds.connectMs, what: "publishes flow before" });
        const f = await inject(reset(targets));
        await probe.event(isDevice("down"), { within: 3000, what: "the reset ends the connection" });
        await probe.event(deviceLog(/ECONNRESET/), { within: bounds.reconnectCycleMs, what: "a reconnect is reset" });
        raw = await rawConnect(targets.link.listenPort, 4, 5000);
        await heal(f);
        await device.up({ within: bounds.reconnectAfterHealMs, what: "client reconnects after the reset" });
        await up.acked(3, { within: bounds.reconnectCycleMs, what: "publishes flow after" });
        await up.stop();
      },
    });
    expect(run.failures).toEqual([]);
    const ev = run.events;
    const [injected, healing] = [faultAt(ev, "reset", "injected"), faultAt(ev, "reset", "healing")];
    const down = ev.find((e) => isDevice("down")(e) && e.t > injected)!.t;
    console.log(`reset: MQTT.js down ${Math.round(down - injected)} ms after injection; logs during: ${[...new Set(within(ev, injected, healing).filter(deviceLog(/error/)).map((e) => String(e.line)))].join(" | ")}`);
    expect(raw).toMatchObject({ ended: "reset", err: "ECONNRESET", reads: [] });
    expect(within(ev, down, healing).filter(isDevice("up"))).toEqual([]);
    expect(run.leftover).toEqual([]);
  });

  it("lossyLink: the seeded chain's stalls hold the wire and release it in order — publishes stall, nothing is lost or reordered, the client stays up", async () => {
    const p = { stepMs: 200, pGoodToBad: 0.25, pBadToGood: 0.35 };
    let seed = 0;
    const run = await runFault({
      name: "lossyLink",
      seed: 4242,
      client: { keepalive: 6 },
      async drive({ device, observer, topics, bounds, inject, heal, targets }, probe) {
        await device.up({ within: bounds.connectMs, what: "client connects" });
        // Downstream messages published before the subscription exists are owed to nobody.
        await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes" });
        const up = device.publishEvery(topics.up, { qos: 1, everyMs: 50 });
        const down = observer.publishEvery(topics.down, { qos: 1, everyMs: 100 });
        await up.acked(3, { within: bounds.connectMs, what: "publishes flow before" });
        const fault = lossyLink(targets, p);
        seed = Number(fault.params.seed);
        const f = await inject(fault);
        // Three stalls and their releases, whatever the seed made of them.
        await probe.count(isFault("flow"), 3, { within: 30_000, what: "three stalls come and go" });
        await heal(f);
        await up.acked(3, { within: bounds.reconnectCycleMs, what: "publishes flow after" });
        await Promise.all([up.stop(), down.stop()]);
        await probe.event((e) => isDevice("msg")(e) && e.payload === `seq=${down.ackedCount}`, { within: 5000, what: "the last acknowledged downstream message arrives", since: 0 });
      },
    });
    expect(run.failures).toEqual([]);
    const ev = run.events;
    const [injected, end] = [faultAt(ev, "lossyLink", "injected"), faultAt(ev, "lossyLink", "end")];
    // The steps it turned at are the ones the chain gives for its seed: a run replays from its timeline.
    const states = gilbertElliottStates(seededRandom(seed), gilbertElliottParams(p), 400);
    const turns = ev.filter((e) => e.src === "fault" && (e.kind === "stall" || e.kind === "flow"));
    for (const t of turns) expect(states[Number(t.step) - 1]).toBe(t.kind === "stall" ? "bad" : "good");
    expect(turns.length).toBeGreaterThanOrEqual(6);
    // Stalls, not loss: every publish acknowledged was delivered, once, in order, both ways.
    const upRecv = ev.filter((e) => observerRecv(e)).map((e) => Number(payloadOf(e).slice(4)));
    expect(upRecv).toEqual(Array.from({ length: upRecv.length }, (_, i) => i + 1));
    const downRecv = ev.filter((e) => isDevice("msg")(e)).map((e) => Number(payloadOf(e).slice(4)));
    expect(downRecv).toEqual(Array.from({ length: downRecv.length }, (_, i) => i + 1));
    expect(within(ev, injected, end).filter(isDevice("down"))).toEqual([]);
    // A publish sent into a stall waits for its end: the longest round trip spans a stall.
    const rts = publishRoundTrips(ev).filter((r) => r.t > injected && r.t < end);
    const longest = Math.max(...rts.map((r) => r.ms));
    const stallMs = turns.filter((t) => t.kind === "flow").map((t) => t.t - turns.filter((s) => s.kind === "stall" && s.t < t.t).at(-1)!.t);
    console.log(`lossyLink seed ${seed}: stalls ${stallMs.map((x) => Math.round(x)).join(", ")} ms; longest publish round trip ${Math.round(longest)} ms over ${rts.length} publishes`);
    expect(longest).toBeGreaterThanOrEqual(Math.min(...stallMs) * 0.8);
    expect(run.leftover).toEqual([]);
  });
});
