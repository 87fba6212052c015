import { describe, expect, it } from "vitest";
import { pingsAsPromised } from "../../src/checks/pingsAsPromised.ts";
import { ev, sortByT } from "./helpers.ts";
import { MQTTJS, MQTT_AS, closed, connect, down, promising, pub, puback, start, up } from "./wire.helpers.ts";

const judge = (events: ReturnType<typeof ev>[], c = promising(MQTT_AS)) => pingsAsPromised().judge(sortByT(events), c);
// keepalive 6 s: mqtt_as pings every 1.5 s; the bound is 1.5 + 0 + 2 = 3.5 s.
const pings = (from: number, n: number, every: number, conn = 1) => Array.from({ length: n }, (_, i) => up(from + (i + 1) * every, conn, "pingreq"));

describe("pingsAsPromised", () => {
  it("passes a quiet connection pinged every keepalive / 4", () => {
    const r = judge([start(0), ...connect(100, 1), ...pings(105, 6, 1_500), ev(10_000, "lab", "device.stopping")]);
    expect(r.verdict).toBe("pass");
    expect(r.summary).toBe("6 PINGREQ(s); each of 6 wait(s) for one within the bound");
  });

  it("fails a quiet stretch without its PINGREQ, with the connection, the times and the promise's source", () => {
    const r = judge([start(0), ...connect(100, 1), up(1_605, 1, "pingreq"), up(6_000, 1, "pingreq"), ev(10_000, "lab", "device.stopping")]);
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toBe(
      "connection 1: quiet since 1.605 s (its PINGREQ); the next PINGREQ only at 6.000 s; promised within 1.5 s (0.25 × keepalive 6 s) + 0 s granularity + 2 s slack = 3500 ms (mqtt_as README §4.1)",
    );
  });

  it("does not judge a stretch touched by a fault, or one the client ended by calling the link dead", () => {
    const fault = [ev(1_000, "fault", "start", { id: "p", fault: "partition" }), ev(4_000, "fault", "end", { id: "p", fault: "partition" })];
    expect(judge([start(0), ...connect(100, 1), ...fault, up(9_000, 1, "pingreq"), ev(20_000, "lab", "device.stopping")]).verdict).toBe("pass");
    const dead = [start(0), ...connect(100, 1), ev(2_000, "device", "down"), closed(2_001, 1), ev(20_000, "lab", "device.stopping")];
    expect(judge(dead).summary).toMatch(/^not exercised: /);
  });

  it("does not judge a stretch in which the lab's host read the device late (its heartbeats came in a burst)", () => {
    // Heartbeats every 500 ms by the device's clock; the host read the ones from 2.0 s to 7.5 s only at 7.6 s.
    const hbs = Array.from({ length: 20 }, (_, i) => ev(i < 4 ? i * 500 + 5 : 7_600, "device", "hb", { dt_dev: 50_000 + i * 500 }));
    const events = [start(0), ...connect(100, 1), up(1_605, 1, "pingreq"), ...hbs, up(7_600, 1, "pingreq"), up(7_601, 1, "pingreq"), ev(9_000, "lab", "device.stopping")];
    expect(judge(events).verdict).toBe("pass");
    const noStall = events.filter((e) => e.kind !== "hb");
    expect(judge(noStall).verdict).toBe("fail");
  });

  it("does not hold a busy client to its pings, but a quiet stretch after the traffic", () => {
    const busy = [start(0), ...connect(100, 1), pub(1_000, 1, 1, "seq=1"), puback(1_010, 1, 1), pub(3_000, 1, 2, "seq=2"), puback(3_010, 1, 2), ev(6_000, "lab", "device.stopping")];
    expect(judge(busy).summary).toMatch(/^not exercised: /);
    const thenQuiet = [start(0), ...connect(100, 1), pub(1_000, 1, 1, "seq=1"), puback(1_010, 1, 1), ev(9_000, "lab", "device.stopping")];
    expect(judge(thenQuiet).evidence[0]!.text).toContain("quiet since 1.000 s (its PUBLISH); no PINGREQ by the end of the run");
  });

  it("resets an ack-received clock on PUBACK and PINGRESP (MQTT.js's reschedulePing)", () => {
    const c = promising(MQTTJS); // keepalive 6: a PINGREQ 6 s after the last ack; bound 8 s
    const ok = [start(0), ...connect(100, 1), pub(5_000, 1, 1, "seq=1"), puback(5_010, 1, 1), up(11_000, 1, "pingreq"), down(11_005, 1, "pingresp"), ev(12_000, "lab", "device.stopping")];
    expect(judge(ok, c).verdict).toBe("pass");
    const late = [start(0), ...connect(100, 1), pub(5_000, 1, 1, "seq=1"), puback(5_010, 1, 1), up(14_000, 1, "pingreq"), ev(15_000, "lab", "device.stopping")];
    expect(judge(late, c).evidence[0]!.text).toContain("quiet since 5.010 s (its PUBACK received); the next PINGREQ only at 14.000 s");
  });

  it("says not promised when the manifest has no ping promise", () => {
    const r = judge([start(0), ...connect(100, 1)], promising(undefined));
    expect(r.verdict).toBe("pass");
    expect(r.summary).toBe("not promised: hand's manifest promises no ping cadence (promises.ping)");
  });
});
