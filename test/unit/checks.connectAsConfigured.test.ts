import { describe, expect, it } from "vitest";
import { connectAsConfigured } from "../../src/checks/connectAsConfigured.ts";
import { ctx, ev, sortByT } from "./helpers.ts";
import { cfg, connect, start, up } from "./wire.helpers.ts";

const judge = (events: ReturnType<typeof ev>[], c = ctx()) => connectAsConfigured().judge(sortByT(events), c);

describe("connectAsConfigured", () => {
  it("passes CONNECTs as configured: the 3.1.1 wipe (clean, then kept) before the first up, clean after it", () => {
    const events = [start(0), ...connect(100, 1, { clean: true }), ...connect(2_200, 2, { clean: false }), ev(2_300, "device", "up"), ...connect(9_000, 3, { clean: false })];
    const r = judge(events);
    expect(r.verdict).toBe("pass");
    expect(r.summary).toBe("3 CONNECT(s), each as configured");
  });

  it("fails a reconnect with the wrong clean flag and keepalive, naming the connection and the time", () => {
    const events = [start(0), ...connect(100, 1), ev(200, "device", "up"), ...connect(5_000, 2, { clean: true, keepalive: 60 })];
    const r = judge(events);
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toBe("CONNECT on connection 2 at 5.000 s (a reconnect): keepalive 60 s, configured 6 s; clean session 1, configured 0");
    expect(r.evidence[0]!.charged).toBe("client");
  });

  it("takes the configuration of the last start before the CONNECT (a power cycle's overrides)", () => {
    const events = [start(0), ...connect(100, 1), ev(200, "device", "up"), start(5_000, { clean_init: false, keepalive: 9 }), ...connect(5_100, 2, { keepalive: 9, clean: false })];
    expect(judge(events).verdict).toBe("pass");
    const wrong = [start(0), ...connect(100, 1), ev(200, "device", "up"), start(5_000, { clean_init: true, clean: true }), ...connect(5_100, 2, { clean: false })];
    expect(judge(wrong).evidence[0]!.text).toContain("(first connection): clean session 0, configured 1");
  });

  it("holds the will, the credentials and the v5 properties to the configuration", () => {
    const c = ctx({ protocol: "5", client: { ...cfg, protocol: "5", session_expiry: 300, user: "alice", password: "s3cret", will: { topic: "w", payload: "gone", qos: 1 }, connect_props: { receiveMaximum: 10 } } });
    const good = { protocolVersion: 5, clean: true, username: "alice", passwordBytes: 6, will: { topic: "w", payload: "gone", qos: 1, retain: false }, props: { sessionExpiryInterval: 300, receiveMaximum: 10 } };
    expect(judge([...connect(100, 1, good)], c).verdict).toBe("pass");
    const bad = { ...good, username: undefined, will: { topic: "w", payload: "bye", qos: 0 }, props: { receiveMaximum: 20 } };
    const r = judge([...connect(100, 1, bad)], c);
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toBe(
      'CONNECT on connection 1 at 0.100 s (first connection): will payload "bye", configured "gone"; will QoS 0, configured 1; no user name, configured "alice"; Session Expiry Interval 0 s, configured 300 s; CONNECT property receiveMaximum 20, configured 10',
    );
  });

  it("reads a one-byte flag property as mqtt-packet parses it (a boolean)", () => {
    const c = ctx({ protocol: "5", client: { ...cfg, protocol: "5", clean_init: true, connect_props: { requestProblemInformation: 0, receiveMaximum: 5 } } });
    expect(judge([...connect(100, 1, { protocolVersion: 5, clean: true, props: { requestProblemInformation: false, receiveMaximum: 5 } })], c).verdict).toBe("pass");
    expect(judge([...connect(100, 1, { protocolVersion: 5, clean: true, props: { requestProblemInformation: true, receiveMaximum: 5 } })], c).verdict).toBe("fail");
  });

  it("does not judge the client id when the application asked the broker to assign one", () => {
    const events = [start(0, { client_id: "" }), ...connect(100, 1, { clientId: "generated-by-client" })];
    expect(judge(events, ctx({ client: { ...cfg, client_id: "" } })).verdict).toBe("pass");
  });

  it("says so when no CONNECT went over the tapped wire", () => {
    const r = judge([start(0), up(100, 1, "pingreq")]);
    expect(r.verdict).toBe("pass");
    expect(r.summary).toBe("not exercised: the client sent no CONNECT on the tapped wire");
  });
});
