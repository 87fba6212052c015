import { describe, expect, it } from "vitest";
import { packetIdsFree } from "../../src/checks/packetIdsFree.ts";
import { ctx, ev, sortByT } from "./helpers.ts";
import { closed, connect, down, pub, puback, up } from "./wire.helpers.ts";

const judge = (events: ReturnType<typeof ev>[]) => packetIdsFree().judge(sortByT(events), ctx());

describe("packetIdsFree", () => {
  it("passes ids reused only once acknowledged, and a resend with its own id", () => {
    const r = judge([...connect(0, 1), pub(100, 1, 1, "seq=1"), pub(3_100, 1, 1, "seq=1", true), puback(3_110, 1, 1), pub(3_200, 1, 1, "seq=2"), puback(3_210, 1, 1)]);
    expect(r.verdict).toBe("pass");
    expect(r.summary).toBe("2 packet id(s) taken, none while still in flight");
  });

  it("fails an id taken while in flight, naming both packets", () => {
    const r = judge([...connect(0, 1), pub(100, 1, 1, "seq=1"), up(200, 1, "subscribe", { messageId: 1, subscriptions: [] }), puback(300, 1, 1)]);
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toBe("SUBSCRIBE at 0.200 s on connection 1 takes id 1, still in flight since 0.100 s (PUBLISH id 1 (f/up seq=1, qos 1, dup 0), no PUBACK yet)");
  });

  it("keeps ids in flight across a reconnect only when the broker kept the session", () => {
    const before = [...connect(0, 1), pub(100, 1, 1, "seq=1"), closed(1_000, 1)];
    const resumed = [up(2_000, 2, "connect", { clean: false }), down(2_005, 2, "connack", { sessionPresent: true }), pub(2_100, 2, 1, "seq=2")];
    expect(judge([...before, ...resumed]).verdict).toBe("fail");
    const fresh = [...connect(2_000, 2), pub(2_100, 2, 1, "seq=2")];
    expect(judge([...before, ...fresh]).verdict).toBe("pass");
  });

  it("says not exercised when nothing took a packet id", () => {
    expect(judge([...connect(0, 1), up(100, 1, "pingreq")]).summary).toBe("not exercised: the client sent no packet that takes a packet id");
  });
});
