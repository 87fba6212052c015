import { describe, expect, it } from "vitest";
import mqttPacket from "mqtt-packet";
import { Framer, PacketStage, packetHead, ruleFor, type Segment, type Touch } from "../../src/lab/packetStage.ts";

// Hand-built MQTT 3.1.1 packets (mqtt-packet only encodes them, the stage never sees it).
const gen = (p: object) => mqttPacket.generate(p as mqttPacket.Packet, { protocolVersion: 4 });
const puback = (id: number) => gen({ cmd: "puback", messageId: id });
const publish = (id: number, payload: string, dup = false) => gen({ cmd: "publish", topic: "a/b", payload: Buffer.from(payload), qos: 1, dup, retain: false, messageId: id });
const pingresp = () => gen({ cmd: "pingresp" });
/** A PUBLISH whose remaining length takes 2 bytes (> 127). */
const bigPublish = (id: number) => publish(id, "x".repeat(300));

const bytesOf = (segs: Segment[] | Buffer): Buffer => (Buffer.isBuffer(segs) ? segs : Buffer.concat(segs.map((s) => ("pass" in s ? s.pass : s.packet))));
const packetsOf = (segs: Segment[] | Buffer) => (Buffer.isBuffer(segs) ? [] : segs.flatMap((s) => ("packet" in s ? [s.packet] : [])));

/** Cut `b` into chunks at the given offsets. */
function chunks(b: Buffer, cuts: number[]): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  for (const c of [...cuts, b.length]) {
    out.push(b.subarray(from, c));
    from = c;
  }
  return out;
}

describe("Framer", () => {
  it("idle: hands every chunk on as the same Buffer and keeps track of packet boundaries", () => {
    const f = new Framer();
    const stream = Buffer.concat([publish(1, "hi"), bigPublish(2), pingresp()]);
    for (const c of chunks(stream, [1, 3, 10, 200])) expect(f.push(c)).toBe(c);
    expect(f.atBoundary).toBe(true);
  });

  it("takes exactly the wanted packets whole, across every chunk boundary, and passes the rest byte-exact", () => {
    const stream = Buffer.concat([publish(1, "hi"), puback(7), bigPublish(2), puback(8), pingresp()]);
    // Every single cut position, and a chunk per byte.
    const cutsList = [...Array.from({ length: stream.length - 1 }, (_, i) => [i + 1]), Array.from({ length: stream.length - 1 }, (_, i) => i + 1)];
    for (const cuts of cutsList) {
      const f = new Framer();
      const segs = chunks(stream, cuts).flatMap((c) => {
        const r = f.push(c, (type) => type === 4);
        return Buffer.isBuffer(r) ? [{ pass: r }] : r;
      });
      expect(bytesOf(segs)).toEqual(stream);
      expect(packetsOf(segs).map((p) => packetHead(p).messageId)).toEqual([7, 8]);
      expect(packetsOf(segs)).toEqual([puback(7), puback(8)]);
    }
  });

  it("a rule armed mid-packet takes effect at the next packet boundary", () => {
    const a = bigPublish(1);
    const b = bigPublish(2);
    const f = new Framer();
    const first = a.subarray(0, 50);
    expect(f.push(first)).toBe(first);
    // Armed now: the rest of PUBLISH 1 passes, PUBLISH 2 is taken whole.
    const segs = f.push(Buffer.concat([a.subarray(50), b]), (t) => t === 3);
    expect(Buffer.isBuffer(segs) ? [] : segs.map((s) => ("pass" in s ? ["pass", s.pass.length] : ["packet", packetHead(s.packet).messageId]))).toEqual([
      ["pass", a.length - 50],
      ["packet", 2],
    ]);
  });

  it("a fragment of a taken packet stays taken until the rest comes (cut mid-packet: it never does)", () => {
    const f = new Framer();
    const p = bigPublish(3);
    const r = f.push(p.subarray(0, 40), (t) => t === 3);
    expect(bytesOf(r).length).toBe(0);
    expect(f.fragment).toBe(40);
  });

  it("a stream that is not MQTT (remaining length over 4 bytes) passes from there on untouched", () => {
    const f = new Framer();
    const junk = Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01, 1, 2, 3]);
    expect(bytesOf(f.push(junk, () => true))).toEqual(junk);
    expect(f.lost).toBe(true);
    const more = Buffer.from([4, 5]);
    expect(f.push(more, () => true)).toBe(more);
  });
});

describe("packetHead", () => {
  it("reads the type, the packet id and a PUBLISH's QoS and DUP", () => {
    expect(packetHead(puback(513))).toEqual({ cmd: "puback", messageId: 513 });
    expect(packetHead(bigPublish(9))).toEqual({ cmd: "publish", qos: 1, dup: false, messageId: 9 });
    expect(packetHead(publish(4, "x", true))).toMatchObject({ dup: true, messageId: 4 });
    expect(packetHead(gen({ cmd: "publish", topic: "t", payload: Buffer.from("z"), qos: 0 }))).toEqual({ cmd: "publish", qos: 0, dup: false });
    expect(packetHead(gen({ cmd: "suback", messageId: 3, granted: [1] }))).toEqual({ cmd: "suback", messageId: 3 });
    expect(packetHead(pingresp())).toEqual({ cmd: "pingresp" });
  });
});

describe("ruleFor", () => {
  const rules = [
    { spec: { cmd: "puback" as const, dir: "down" as const }, done: true },
    { spec: { cmd: "puback" as const, dir: "up" as const }, done: false },
    { spec: { cmd: "puback" as const, dir: "down" as const }, done: false },
  ];
  it("matches type and direction, skipping rules that are done", () => {
    expect(ruleFor(rules, "down", 4)).toBe(rules[2]);
    expect(ruleFor(rules, "up", 4)).toBe(rules[1]);
    expect(ruleFor(rules, "down", 13)).toBeUndefined();
  });
});

describe("PacketStage", () => {
  function wire() {
    const stage = new PacketStage();
    const got = { up: [] as Buffer[], down: [] as Buffer[] };
    const conn = stage.connection(1, { up: (b) => got.up.push(b), down: (b) => got.down.push(b) });
    return { stage, got, conn };
  }

  it("idle: the very same Buffers reach the other side", () => {
    const { got, conn } = wire();
    const a = publish(1, "x");
    const b = puback(1);
    conn.push("up", a);
    conn.push("down", b);
    expect(got.up[0]).toBe(a);
    expect(got.down[0]).toBe(b);
  });

  it("drops the next N of a type one way, records each with its packet id, passes the rest", () => {
    const { stage, got, conn } = wire();
    const touched: Touch[] = [];
    stage.arm({ cmd: "puback", dir: "down", count: 2, action: "drop", onTouch: (t) => touched.push(t) });
    conn.push("down", Buffer.concat([puback(1), pingresp(), puback(2), puback(3)]));
    conn.push("up", puback(4));
    expect(Buffer.concat(got.down)).toEqual(Buffer.concat([pingresp(), puback(3)]));
    expect(Buffer.concat(got.up)).toEqual(puback(4));
    expect(touched.map((t) => [t.what, t.messageId, t.n])).toEqual([
      ["dropped", 1, 1],
      ["dropped", 2, 2],
    ]);
    expect(stage.armed).toBe(0);
  });

  it("duplicates: the same bytes twice, in place", () => {
    const { stage, got, conn } = wire();
    stage.arm({ cmd: "publish", dir: "down", count: 1, action: "duplicate" });
    conn.push("down", Buffer.concat([pingresp(), publish(5, "m"), pingresp()]));
    expect(Buffer.concat(got.down)).toEqual(Buffer.concat([pingresp(), publish(5, "m"), publish(5, "m"), pingresp()]));
  });

  it("holds until disarmed, with what follows waiting behind it, then releases in order", async () => {
    const { stage, got, conn } = wire();
    const touched: string[] = [];
    const rule = stage.arm({ cmd: "connack", dir: "down", count: 1, action: "hold", onTouch: (t) => touched.push(t.what) });
    const connack = gen({ cmd: "connack", returnCode: 0, sessionPresent: false });
    conn.push("down", Buffer.concat([connack, pingresp()]));
    await Promise.resolve();
    expect(got.down).toEqual([]);
    rule.disarm();
    await new Promise((r) => setImmediate(r));
    expect(Buffer.concat(got.down)).toEqual(Buffer.concat([connack, pingresp()]));
    expect(touched).toEqual(["held", "released"]);
  });

  it("a held packet whose connection ends is discarded, never written", async () => {
    const { stage, got, conn } = wire();
    const touched: string[] = [];
    const rule = stage.arm({ cmd: "suback", dir: "down", count: 1, action: "hold", onTouch: (t) => touched.push(t.what) });
    conn.push("down", gen({ cmd: "suback", messageId: 2, granted: [1] }));
    conn.close();
    rule.disarm();
    await new Promise((r) => setImmediate(r));
    expect(got.down).toEqual([]);
    expect(touched).toEqual(["held", "discarded"]);
  });
});
