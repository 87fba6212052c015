import { describe, expect, it } from "vitest";
import { detectsOutageWithin } from "../../src/checks/detectsOutageWithin.ts";
import { ctx, ev, sortByT } from "./helpers.ts";

// helpers.ctx(): keepalive 6 s, outageDetectionMs 11 000 = 1.5 × 6 s + 2 s.
const judge = (events: ReturnType<typeof ev>[], kinds?: string[]) => detectsOutageWithin(kinds).judge(sortByT(events), ctx());
const fault = (kind: string, from: number, to: number, id = "f1") => [ev(from, "fault", "start", { id, fault: kind }), ev(to, "fault", "end", { id, fault: kind })];
const up = ev(500, "device", "up");
const end = ev(60_000, "lab", "device.stopping");

describe("detectsOutageWithin", () => {
  it("passes when the client's own down follows the fault within the bound", () => {
    const r = judge([up, ...fault("partition", 1_000, 20_000), ev(9_000, "device", "down"), end]);
    expect(r.verdict).toBe("pass");
    expect(r.evidence[0]!.text).toBe("partition started at 1.000 s; client down at 9.000 s (8000 ms ≤ 11000 ms)");
  });

  it("fails with the measured delay and the bound's derivation", () => {
    const r = judge([up, ...fault("partition", 1_000, 30_000), ev(16_500, "device", "down"), end]);
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toBe(
      "partition started at 1.000 s; client's own down only at 16.500 s (15500 ms > bound 11000 ms = 1.5 × keepalive 6 s + 2 s slack)",
    );
    expect(r.evidence[0]!.charged).toBe("client");
  });

  it("fails a client that never notices", () => {
    const r = judge([up, ...fault("apLoss", 1_000, 30_000), end]);
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toContain("client never reported down");
  });

  it("does not oblige the client to notice a short freeze, but does a short crash (its connection is gone)", () => {
    expect(judge([up, ...fault("brokerFreeze", 1_000, 4_000), end]).verdict).toBe("unknown");
    expect(judge([up, ...fault("brokerCrash", 1_000, 4_000), end]).verdict).toBe("fail");
  });

  it("cannot decide without a matching fault, with the client already down, or when the run stopped first", () => {
    expect(judge([]).verdict).toBe("unknown");
    expect(judge([up, ...fault("latency", 1_000, 30_000), end]).verdict).toBe("unknown");
    expect(judge([...fault("partition", 1_000, 30_000), end]).verdict).toBe("unknown");
    const r = judge([up, ...fault("partition", 1_000, 30_000), ev(5_000, "lab", "device.stopping")]);
    expect(r.verdict).toBe("unknown");
    expect(r.evidence[0]!.text).toContain("stopped watching the client at 5.000 s");
  });

  it("takes the fault kinds it is told to", () => {
    expect(judge([up, ...fault("latency", 1_000, 30_000), end], ["latency"]).verdict).toBe("fail");
  });
});

describe("detectsOutageWithin, when the host read the client's down late", () => {
  it("times the client by when it wrote its down (readLateMs, by the device's clock), and says so", () => {
    // Measured once under load: a down written at 17.4 s, read at 19.0 s.
    const late = ev(19_000, "device", "down", { readLateMs: 1_600 });
    const r = judge([up, ...fault("apLoss", 9_000, 30_000), late, end], ["apLoss"]);
    expect(r.verdict).toBe("pass");
    expect(r.evidence[0]!.text).toBe("apLoss started at 9.000 s; client down at 19.000 s (written 1600 ms before the host read it, by the device's clock) (8400 ms ≤ 11000 ms)");
    // Written late too: still a failure.
    expect(judge([up, ...fault("apLoss", 1_000, 30_000), ev(16_500, "device", "down", { readLateMs: 500 }), end]).verdict).toBe("fail");
  });
});
