import { describe, expect, it } from "vitest";
import { refusesUntrustedServer, UNTRUSTED_END, UNTRUSTED_MARK } from "../../src/checks/refusesUntrustedServer.ts";
import { ctx, ev } from "./helpers.ts";

const log = (t: number, line: string) => ev(t, "broker", "log", { line: `1796189245: ${line}` });
// The control phase: the client connected with the run's CA.
const first = [ev(0, "lab", "tls.listener", { port: 8883 }), log(90, "New connection from 127.0.0.1:40000 on port 8883."), log(91, "New client connected from 127.0.0.1:40000 as dev (p2, c1, k6)."), ev(100, "device", "up")];
const mark = ev(1_000, "lab", UNTRUSTED_MARK, { ca: "CN=Faraday unrelated CA (SHA-256 AA)", serverIssuer: "CN=Faraday throwaway CA (SHA-256 BB)", tlsPort: 8883, withinMs: 10_000 });
const start = ev(1_200, "device", "op", { id: 1, op: "start", device: "dev1" });
const end = (t = 11_300) => ev(t, "lab", UNTRUSTED_END, { watchedMs: t - 1_200 });

describe("refusesUntrustedServer", () => {
  it("passes a client that refused the handshake, quoting the broker and the client", () => {
    const r = refusesUntrustedServer().judge(
      [
        ...first,
        mark,
        start,
        log(1_300, "New connection from 127.0.0.1:40010 on port 8883."),
        log(1_301, "OpenSSL Error[0]: error:0A000126:SSL routines::unexpected eof while reading"),
        log(1_301, "Client <unknown> disconnected: Protocol error."),
        ev(1_302, "device", "log", { line: "mqtt.js error: self-signed certificate in certificate chain" }),
        ev(1_303, "device", "ack", { id: 1, ok: false, err: "self-signed certificate in certificate chain", device: "dev1" }),
        end(),
      ],
      ctx(),
    );
    expect(r.verdict).toBe("pass");
    expect(r.summary).toContain("no CONNACK in the 10100 ms after the start with CN=Faraday unrelated CA");
    expect(r.summary).toContain("the broker saw 1 TLS connection fail or end before any CONNECT (the first at 1.300 s)");
    expect(r.summary).toContain('the client said: "self-signed certificate in certificate chain"');
    expect(r.evidence[0]!.text).toContain("signed by CN=Faraday throwaway CA");
    expect(r.evidence.map((e) => e.text)).toContain('the broker at 1.301 s: "Client <unknown> disconnected: Protocol error."');
  });

  it("takes mosquitto's word on a handshake it gave up on, and an exception as the client's word", () => {
    const r = refusesUntrustedServer().judge(
      [
        ...first,
        mark,
        start,
        log(2_100, "Client connection from 127.0.0.1 failed: error:0A000418:SSL routines::tlsv1 alert unknown ca."),
        ev(2_101, "device", "error", { msg: "ValueError('\\nThe certificate is not correctly signed by the trusted CA\\n',)", tb: "" }),
        ev(2_102, "device", "ack", { id: 1, ok: false, err: "ValueError(...)", device: "dev1" }),
        end(),
      ],
      ctx(),
    );
    expect(r.verdict).toBe("pass");
    expect(r.evidence.map((e) => e.text)).toContain("the broker at 2.100 s: the TLS handshake with 127.0.0.1 failed: error:0A000418:SSL routines::tlsv1 alert unknown ca.");
  });

  it("fails a client that connected anyway, with the broker's CONNECT and CONNACK and the client's up", () => {
    const r = refusesUntrustedServer().judge(
      [
        ...first,
        mark,
        start,
        log(1_300, "New connection from 127.0.0.1:40012 on port 8883."),
        log(1_331, "New client connected from 127.0.0.1:40012 as dev (p2, c1, k6)."),
        ev(1_332, "broker", "connack", { client: "dev", sessionPresent: false, reason: 0 }),
        ev(1_378, "device", "up"),
        ev(1_379, "device", "ack", { id: 1, ok: true, device: "dev1" }),
        end(1_380),
      ],
      ctx(),
    );
    expect(r.verdict).toBe("fail");
    expect(r.summary).toMatch(/^the client connected to a server its CA did not vouch for: the broker read its CONNECT at 1\.331 s/);
    const texts = r.evidence.map((e) => e.text);
    expect(texts).toContain("the broker sent it a CONNACK at 1.332 s (Session Present 0, code 0)");
    expect(texts).toContain("the client reported up at 1.378 s");
    expect(texts).toContain("its start was answered ok at 1.379 s: it says it is connected");
  });

  it("fails on the client's up alone (a broker that logs nothing), and on one after the bound", () => {
    expect(refusesUntrustedServer().judge([...first, mark, start, ev(1_400, "device", "up"), end(1_401)], ctx()).verdict).toBe("fail");
    const late = refusesUntrustedServer().judge([...first, mark, start, ev(2_000, "device", "ack", { id: 1, ok: false, err: "x", device: "dev1" }), end(), ev(20_000, "device", "up")], ctx());
    expect(late.verdict).toBe("fail");
    expect(late.summary).toContain("the client reported up at 20.000 s");
  });

  it("ignores the control phase: the connection made with the right CA before the mark", () => {
    const r = refusesUntrustedServer().judge([...first, mark, start, ev(1_300, "device", "ack", { id: 1, ok: false, err: "refused", device: "dev1" }), end()], ctx());
    expect(r.verdict).toBe("pass");
  });

  it("is unknown without the mark, without a start after it, or when the watch was shorter than the bound", () => {
    expect(refusesUntrustedServer().judge(first, ctx()).verdict).toBe("unknown");
    expect(refusesUntrustedServer().judge([...first, mark, end()], ctx()).verdict).toBe("unknown");
    const cut = refusesUntrustedServer().judge([...first, mark, start, ev(1_300, "device", "ack", { id: 1, ok: false, err: "refused", device: "dev1" }), ev(5_000, "lab", "scenario.end")], ctx());
    expect(cut.verdict).toBe("unknown");
    expect(cut.summary).toContain("watched only 3800 ms of the 10000 ms bound");
  });

  it("is unknown when nothing shows the client even tried", () => {
    const r = refusesUntrustedServer().judge([...first, mark, start, end()], ctx());
    expect(r.verdict).toBe("unknown");
    expect(r.summary).toContain("nothing shows the client tried");
  });
});
