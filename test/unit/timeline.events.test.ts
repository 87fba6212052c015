import { describe, expect, expectTypeOf, it } from "vitest";
import { toWire, wireBytes } from "../../src/mqtt/values.ts";
import { parseTimeline } from "../../src/timeline/event.ts";
import type { DeviceDown, DeviceExit, DeviceUp, FaultEnd, FaultStart, OtherEvent, TimelineEvent } from "../../src/timeline/events.ts";
import { isAckOf, isDevice, isDeviceOp, isDeviceUp, isFault, isLab, isLabError, isObserverRecv, isPeer, isWirePacket } from "../../src/timeline/is.ts";
import { Timeline } from "../../src/timeline/timeline.ts";

const ev = (src: string, kind: string, more: Record<string, unknown> = {}): TimelineEvent => ({ t: 1, src, kind, ...more }) as TimelineEvent;

describe("the typed timeline: a union that narrows, never rejects", () => {
  it("reads events of kinds it does not know, and fields it does not know, as written", () => {
    const text = ['{"t":1,"src":"lab","kind":"some.future.kind","x":1}', '{"t":2,"src":"device","kind":"up","device":"dev1","new_field":[1]}', ""].join("\n");
    const events = parseTimeline(text);
    expect(events.map((e) => JSON.stringify(e)).join("\n") + "\n").toBe(text);
    expectTypeOf<OtherEvent>().toMatchTypeOf<TimelineEvent>();
  });

  it("each guard says what `src === … && kind === …` said, and narrows to what that kind carries", () => {
    const up = ev("device", "up", { device: "dev1", session_present: true });
    expect(isDeviceUp(up)).toBe(true);
    expect(isDevice(up, "up")).toBe(true);
    expect(isDevice(up, "down", "exit")).toBe(false);
    expect(isDevice(up)).toBe(true);
    expect(isDeviceUp(ev("observer", "up"))).toBe(false);
    expect(isDeviceUp(ev("device", "down"))).toBe(false);
    expect(isDevice(ev("device", "some.future.kind"))).toBe(true);
    expect(isFault(ev("fault", "start"), "start", "end")).toBe(true);
    expect(isFault(ev("fault", "healing"), "start", "end")).toBe(false);
    expect(isLabError(ev("lab", "error", { msg: "x" }))).toBe(true);
    expect(isLab(ev("lab", "device.power", { on: false }), "device.power")).toBe(true);
    expect(isObserverRecv(ev("observer", "recv"))).toBe(true);
    expect(isPeer(ev("peer", "recv"), "recv")).toBe(true);
    expect(isWirePacket(ev("wire", "packet"))).toBe(true);

    const e = ev("device", "up") as TimelineEvent;
    if (isDeviceUp(e)) expectTypeOf(e).toEqualTypeOf<DeviceUp>();
    if (isDevice(e, "down", "exit")) expectTypeOf(e).toEqualTypeOf<DeviceDown | DeviceExit>();
    if (isFault(e, "start", "end")) expectTypeOf(e).toEqualTypeOf<FaultStart | FaultEnd>();
    if (isDevice(e, "msg")) expectTypeOf(e.payload).toEqualTypeOf<string | { hex: string }>();
    // Without a kind the guard keeps the kinds this version does not know.
    if (isDevice(e)) expectTypeOf(e).toMatchTypeOf<{ src: "device"; kind: string }>();
    expectTypeOf([e].filter(isDeviceUp)).toEqualTypeOf<DeviceUp[]>();
  });

  it("matches an operation by its name, and its ack by id and device", () => {
    const op = ev("device", "op", { device: "dev1", id: 3, op: "publish" });
    expect(isDeviceOp(op)).toBe(true);
    expect(isDeviceOp(op, "publish")).toBe(true);
    expect(isDeviceOp(op, "start")).toBe(false);
    if (!isDeviceOp(op)) throw new Error("not an op");
    expect(isAckOf(ev("device", "ack", { device: "dev1", id: 3 }), op)).toBe(true);
    expect(isAckOf(ev("device", "ack", { device: "dev2", id: 3 }), op)).toBe(false);
    expect(isAckOf(ev("device", "ack", { device: "dev1", id: 4 }), op)).toBe(false);
  });
});

describe("Timeline.seenOrNext: already seen, or yet to come", () => {
  it("takes the first event already there, from the start by default", async () => {
    const tl = new Timeline();
    const first = tl.record("device", "up", { device: "dev1" });
    tl.record("device", "up", { device: "dev1" });
    expect(await tl.seenOrNext(isDeviceUp, { within: 10 })).toBe(first);
  });

  it("looks from a mark (`mark()`, or `markAt(t)` for a time), then waits for the next within the bound", async () => {
    let now = 0;
    const tl = new Timeline(() => now);
    tl.record("device", "up");
    now = 5;
    const late = tl.record("device", "up");
    expect(tl.markAt(5)).toBe(1);
    expect(tl.markAt(6)).toBe(2);
    expect(await tl.seenOrNext(isDeviceUp, { since: tl.markAt(5), within: 10 })).toBe(late);
    const waiting = tl.seenOrNext(isDeviceUp, { since: tl.mark(), within: 1000 });
    const next = tl.record("device", "up");
    expect(await waiting).toBe(next);
  });

  it("is undefined when none comes in time, or when the signal aborts", async () => {
    const tl = new Timeline();
    tl.record("device", "up");
    expect(await tl.seenOrNext(isDeviceUp, { since: tl.mark(), within: 10 })).toBeUndefined();
    const ac = new AbortController();
    const p = tl.seenOrNext((e) => e.kind === "never", { within: 10_000, signal: ac.signal });
    ac.abort();
    expect(await p).toBeUndefined();
  });
});

describe("message bytes as the timeline writes them (observer and peers alike)", () => {
  it("keeps text exactly as Buffer#toString reads it, a leading BOM included; other bytes as hex", () => {
    for (const text of ["seq=1", "température 21,5 °C", "\uFEFFbom first", "日本 🚀", ""]) expect(wireBytes(Buffer.from(text))).toBe(Buffer.from(text).toString("utf8"));
    expect(wireBytes(Buffer.from([0x00, 0xff, 0x80]))).toEqual({ hex: "00ff80" });
    const props = { contentType: "text/plain", userProperties: { a: "b", c: ["d", "e"] }, payloadFormatIndicator: true, messageExpiryInterval: 5 };
    expect(JSON.stringify(toWire(props))).toBe(JSON.stringify(props));
    expect(toWire({ correlationData: Buffer.from([0x00, 0xff]) })).toEqual({ correlationData: { hex: "00ff" } });
  });
});
