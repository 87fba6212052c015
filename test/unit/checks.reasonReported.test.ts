import { describe, expect, it } from "vitest";
import { reasonReported } from "../../src/checks/reasonReported.ts";
import { ctx, ev } from "./helpers.ts";

const op = ev(100, "device", "op", { device: "dev1", id: 4, op: "publish", topic: "f/n" });
const up = ev(101, "wire", "packet", { conn: 1, dir: "up", cmd: "publish", topic: "f/n", messageId: 7, qos: 1 });
const puback = (rc?: number) => ev(102, "wire", "packet", { conn: 1, dir: "down", cmd: "puback", messageId: 7, ...(rc === undefined ? {} : { reasonCode: rc }) });
const ack = (f: Record<string, unknown>) => ev(103, "device", "ack", { device: "dev1", id: 4, ...f });
const judge = (events: ReturnType<typeof ev>[]) => reasonReported({ topic: "f/n", exercised: [0x10] }).judge(events, ctx());

describe("reasonReported", () => {
  it("passes when the client reports the code the broker sent, as a success", () => {
    expect(judge([op, up, puback(0x10), ack({ ok: true, reason: 0x10 })]).verdict).toBe("pass");
  });

  it("fails when the client drops the code or calls a success a failure", () => {
    expect(judge([op, up, puback(0x10), ack({ ok: true })]).summary).toContain("reported no reason code");
    expect(judge([op, up, puback(0x10), ack({ ok: false, reason: 0x10 })]).summary).toContain("called it a failure");
    expect(judge([op, up, puback(0x10)]).verdict).toBe("fail");
  });

  it("is unknown when the broker did not use the code, or without a tap", () => {
    expect(judge([op, up, puback(), ack({ ok: true, reason: 0 })]).summary).toContain("not exercised");
    expect(judge([op, ack({ ok: true, reason: 0x10 })]).verdict).toBe("unknown");
  });
});
