import { describe, expect, it } from "vitest";
import { reattemptsAfterLostConnack } from "../../src/checks/reattemptsAfterLostConnack.ts";
import { eachCopyAcknowledged } from "../../src/checks/eachCopyAcknowledged.ts";
import { ctx, ev } from "./helpers.ts";

// Hand-built timelines: wire tap packets and the packet faults' own `fault packet` events.
const wire = (t: number, dir: "up" | "down", conn: number, cmd: string, more: Record<string, unknown> = {}) => ev(t, "wire", "packet", { dir, conn, cmd, ...more });
const touch = (t: number, what: string, conn: number, cmd: string, more: Record<string, unknown> = {}) => ev(t, "fault", "packet", { id: "packetHold-1", fault: "packetHold", what, dir: "down", conn, cmd, n: 1, bytes: 4, ...more });
const stop = (t: number) => ev(t, "lab", "device.stopping");

// ctx(): response time 3 s, reconnect cycle 5 s → bound 3 + 5 + 2 = 10 s.
describe("reattemptsAfterLostConnack", () => {
  it("passes a new CONNECT on a new connection within the bound", () => {
    const r = reattemptsAfterLostConnack().judge([wire(1000, "up", 2, "connect"), touch(1010, "held", 2, "connack"), wire(6000, "up", 3, "connect"), stop(30_000)], ctx());
    expect(r.verdict).toBe("pass");
    expect(r.evidence[0]!.text).toContain("a new CONNECT on connection 3 at 6.000 s (5000 ms ≤ 10000 ms)");
  });

  it("fails a client that waits on the held CONNACK past the bound, naming the CONNECT, the fault and the bound", () => {
    const r = reattemptsAfterLostConnack().judge([wire(1000, "up", 2, "connect"), touch(1010, "held", 2, "connack"), wire(15_000, "up", 3, "connect"), stop(30_000)], ctx());
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]).toMatchObject({ charged: "client" });
    expect(r.evidence[0]!.text).toContain("CONNECT on connection 2 at 1.000 s, its CONNACK held by packetHold-1");
    expect(r.evidence[0]!.text).toContain("14000 ms > bound 10000 ms");
    expect(reattemptsAfterLostConnack().judge([wire(1000, "up", 2, "connect"), touch(1010, "dropped", 2, "connack"), stop(30_000)], ctx()).evidence[0]!.text).toContain("no new CONNECT followed");
  });

  it("fails a client the broker had to cut off: still waiting past its response time when the broker closed the connection", () => {
    const r = reattemptsAfterLostConnack().judge(
      [wire(1000, "up", 2, "connect"), touch(1010, "held", 2, "connack"), ev(8000, "wire", "close", { conn: 2, by: "broker" }), ev(8001, "wire", "close", { conn: 2, by: "device" }), wire(9000, "up", 3, "connect"), stop(30_000)],
      ctx(),
    );
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toContain("the client still waited on it when the broker closed the connection at 8.000 s, 7000 ms after the CONNECT");
    const gaveUp = [wire(1000, "up", 2, "connect"), touch(1010, "held", 2, "connack"), ev(4000, "wire", "close", { conn: 2, by: "device" }), wire(5000, "up", 3, "connect"), stop(30_000)];
    expect(reattemptsAfterLostConnack().judge(gaveUp, ctx()).verdict).toBe("pass");
  });

  it("a CONNACK released in time answered late; a run stopped early and a run without a lost CONNACK are unknown", () => {
    const late = [wire(1000, "up", 2, "connect"), touch(1010, "held", 2, "connack"), touch(4000, "released", 2, "connack"), stop(30_000)];
    expect(reattemptsAfterLostConnack().judge(late, ctx()).verdict).toBe("unknown");
    expect(reattemptsAfterLostConnack().judge([wire(1000, "up", 2, "connect"), touch(1010, "held", 2, "connack"), stop(5000)], ctx()).verdict).toBe("unknown");
    expect(reattemptsAfterLostConnack().judge([wire(1000, "up", 1, "connect"), stop(5000)], ctx()).verdict).toBe("unknown");
  });
});

describe("eachCopyAcknowledged", () => {
  const dup = (t: number) => ev(t, "fault", "packet", { id: "packetDuplicate-1", fault: "packetDuplicate", what: "duplicated", dir: "down", conn: 1, cmd: "publish", qos: 1, dup: false, messageId: 7, n: 1, bytes: 30 });
  it("passes two PUBACKs with the packet id on the connection", () => {
    const r = eachCopyAcknowledged().judge([dup(1000), wire(1005, "up", 1, "puback", { messageId: 7 }), wire(1006, "up", 1, "puback", { messageId: 7 }), stop(9000)], ctx());
    expect(r.verdict).toBe("pass");
  });

  it("fails one PUBACK for two copies, with the packet id and the time", () => {
    const r = eachCopyAcknowledged().judge([dup(1000), wire(1005, "up", 1, "puback", { messageId: 7 }), wire(1006, "up", 1, "puback", { messageId: 8 }), stop(9000)], ctx());
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toBe("PUBLISH id 7 doubled by packetDuplicate-1 at 1.000 s on connection 1: only one PUBACK (at 1.005 s) for two copies");
  });

  it("is unknown when the connection ended or the run stopped within one response time, or nothing was doubled", () => {
    expect(eachCopyAcknowledged().judge([dup(1000), ev(1500, "wire", "close", { conn: 1, by: "device" }), stop(9000)], ctx()).verdict).toBe("unknown");
    expect(eachCopyAcknowledged().judge([dup(1000), stop(2000)], ctx()).verdict).toBe("unknown");
    expect(eachCopyAcknowledged().judge([stop(2000)], ctx()).verdict).toBe("unknown");
  });
});
