import { describe, expect, it } from "vitest";
import { dupOnlyOnResend } from "../../src/checks/dupOnlyOnResend.ts";
import { ctx, ev, sortByT } from "./helpers.ts";
import { closed, connect, pub, puback, up } from "./wire.helpers.ts";

const judge = (events: ReturnType<typeof ev>[]) => dupOnlyOnResend().judge(sortByT(events), ctx());

describe("dupOnlyOnResend", () => {
  it("says not exercised when no PUBLISH carried DUP", () => {
    const r = judge([...connect(0, 1), pub(100, 1, 1, "seq=1"), puback(110, 1, 1)]);
    expect(r.summary).toBe("not exercised: the client sent no PUBLISH with DUP 1 (and none without cause)");
  });

  it("passes DUP on a resend, on the same connection or after a reconnect", () => {
    const r = judge([...connect(0, 1), pub(100, 1, 1, "seq=1"), pub(3_100, 1, 1, "seq=1", true), closed(4_000, 1), ...connect(5_000, 2), pub(5_100, 2, 1, "seq=1", true), puback(5_110, 2, 1)]);
    expect(r.verdict).toBe("pass");
    expect(r.summary).toBe("2 PUBLISH(es) with DUP 1, each a resend of an unacknowledged one");
  });

  it("fails DUP on a first send and on an acknowledged message, and DUP on QoS 0", () => {
    const r = judge([...connect(0, 1), pub(100, 1, 1, "seq=1", true), puback(110, 1, 1), pub(200, 1, 1, "seq=1", true), up(300, 1, "publish", { qos: 0, dup: true, topic: "f/up", payload: "q0" })]);
    expect(r.verdict).toBe("fail");
    expect(r.evidence.map((e) => e.text)).toEqual([
      "PUBLISH id 1 (f/up seq=1, qos 1, dup 1) at 0.100 s on connection 1: DUP 1, but id 1 was not sent before, or was already acknowledged — not a resend (MQTT-3.3.1-1)",
      "PUBLISH id 1 (f/up seq=1, qos 1, dup 1) at 0.200 s on connection 1: DUP 1, but id 1 was not sent before, or was already acknowledged — not a resend (MQTT-3.3.1-1)",
      "PUBLISH id - (f/up q0, qos 0, dup 1) at 0.300 s on connection 1: DUP 1 on a QoS 0 PUBLISH (MQTT-3.3.1-2)",
    ]);
  });
});
