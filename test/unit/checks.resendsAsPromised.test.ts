import { describe, expect, it } from "vitest";
import { resendsAsPromised } from "../../src/checks/resendsAsPromised.ts";
import { ev, sortByT } from "./helpers.ts";
import { MQTTJS, MQTT_AS, closed, connect, promising, pub, puback, start } from "./wire.helpers.ts";

const judge = (events: ReturnType<typeof ev>[], c = promising(MQTT_AS)) => resendsAsPromised().judge(sortByT(events), c);
const stop = (t: number) => ev(t, "lab", "device.stopping");
// response_time 3 s: a resend is due 3 s after the previous send, by 5 s at the latest.

describe("resendsAsPromised", () => {
  it("says not exercised when every PUBLISH was acknowledged in time", () => {
    const r = judge([start(0), ...connect(100, 1), pub(200, 1, 1, "seq=1"), puback(210, 1, 1), stop(9_000)]);
    expect(r.verdict).toBe("pass");
    expect(r.summary).toBe("not exercised: no QoS 1 PUBLISH of 1 went unacknowledged past the response time on an undisturbed connection, and none was published again after a reconnect");
  });

  it("passes mqtt_as's resend after response_time with DUP 1 and the same id, then a new id after the reconnect", () => {
    const events = [start(0), ...connect(100, 1), pub(200, 1, 7, "seq=1"), pub(3_250, 1, 7, "seq=1", true), closed(6_400, 1), ev(6_400, "device", "down"), ...connect(9_000, 2), pub(9_100, 2, 8, "seq=1"), puback(9_110, 2, 8), stop(12_000)];
    const r = judge(events);
    expect(r.verdict).toBe("pass");
    expect(r.summary).toBe("2 resend(s) or republication(s), each as promised");
  });

  it("fails a resend without DUP, too early, naming the packet id and both times", () => {
    const r = judge([start(0), ...connect(100, 1), pub(200, 1, 7, "seq=1"), pub(1_200, 1, 7, "seq=1", false), puback(1_300, 1, 7), stop(9_000)]);
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toBe(
      "PUBLISH id 7 (f/up seq=1, qos 1, dup 0) at 1.200 s on connection 1, 1000 ms after the previous send at 0.200 s (resend 1): DUP 0 on a resend; resent before its response time (response_time 3 s) had passed (mqtt_as README §4.2)",
    );
  });

  it("fails a missing resend on an undisturbed connection, and more resends than the limit", () => {
    const missing = judge([start(0), ...connect(100, 1), pub(200, 1, 7, "seq=1"), puback(8_000, 1, 7), stop(9_000)]);
    expect(missing.evidence[0]!.text).toBe(
      "connection 1: PUBLISH id 7 (f/up seq=1, qos 1, dup 0) last sent at 0.200 s, unacknowledged, not resent by 5.200 s (its PUBACK at 8.000 s) — promised a resend after its response time (response_time 3 s) (mqtt_as README §4.2)",
    );
    const resends = [1, 2, 3, 4, 5].map((k) => pub(200 + k * 3_050, 1, 7, "seq=1", true));
    const over = judge([start(0), ...connect(100, 1), pub(200, 1, 7, "seq=1"), ...resends, puback(15_500, 1, 7), stop(20_000)]);
    expect(over.verdict).toBe("fail");
    expect(over.evidence.map((e) => e.text).join("\n")).toContain("resend 5 exceeds the limit of 4");
  });

  it("does not judge a wait that a fault touched", () => {
    const fault = [ev(150, "fault", "start", { id: "l", fault: "latency" }), ev(4_000, "fault", "end", { id: "l", fault: "latency" })];
    expect(judge([start(0), ...connect(100, 1), ...fault, pub(200, 1, 7, "seq=1"), puback(7_500, 1, 7), stop(12_000)]).verdict).toBe("pass");
  });

  it("fails a resend within a connection from a client that promises none, and a reconnect resend with the wrong id", () => {
    const within = judge([start(0), ...connect(100, 1), pub(200, 1, 7, "seq=1"), pub(3_300, 1, 7, "seq=1", true), puback(3_310, 1, 7), stop(9_000)], promising(MQTTJS));
    expect(within.evidence[0]!.text).toContain("hand promises no resend within a connection (MQTT.js README)");
    const newId = judge([start(0), ...connect(100, 1), pub(200, 1, 7, "seq=1"), closed(2_000, 1), ...connect(3_000, 2), pub(3_100, 2, 9, "seq=1"), puback(3_110, 2, 9), stop(9_000)], promising(MQTTJS));
    expect(newId.evidence[0]!.text).toBe(
      "PUBLISH id 7 (f/up seq=1, qos 1, dup 0) unacknowledged on connection 1, published again at 3.100 s on connection 2 with id 9: promised the same packet id (MQTT.js README)",
    );
  });

  it("fails mqtt_as's promised resend on a live MQTT 5 connection, citing MQTT-4.4.0-1", () => {
    const events = [start(0), ...connect(100, 1), pub(200, 1, 7, "seq=1"), pub(3_250, 1, 7, "seq=1", true), puback(3_260, 1, 7), stop(9_000)];
    const r = judge(events, { ...promising(MQTT_AS), protocol: "5" });
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toContain("MQTT 5 forbids a resend on a live connection");
    expect(r.evidence[0]!.text).toContain("[MQTT-4.4.0-1]");
    expect(judge(events).verdict).toBe("pass");
  });

  it("says not promised when the manifest has no resend promise", () => {
    expect(judge([start(0), ...connect(100, 1)], promising(undefined)).summary).toBe("not promised: hand's manifest promises no resend policy (promises.resend)");
  });
});
