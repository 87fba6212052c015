import { describe, expect, it } from "vitest";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connackReader, makeTlsFiles, OPENSSL, tlsListenerLines } from "../../src/brokers/mosquitto.ts";

describe("mosquitto's log as the broker's word on sessions", () => {
  it("pairs what the client asked with the CONNACK the broker sent", () => {
    const r = connackReader();
    expect(r.feed("1795593714: New client connected from 127.0.0.1:41850 as faraday-fjHTrc (p2, c0, k6).")).toBeUndefined();
    expect(r.feed("1795593714: Sending CONNACK to faraday-fjHTrc (1, 0)")).toEqual({
      client: "faraday-fjHTrc",
      protocol: 2,
      cleanStart: false,
      sessionPresent: true,
      reason: 0,
    });
    r.feed("1795593737: New client connected from 127.0.0.1:34660 as faraday-GIP3RY (p5, c1, k6).");
    expect(r.feed("1795593737: Sending CONNACK to faraday-GIP3RY (0, 135)")).toMatchObject({ protocol: 5, cleanStart: true, sessionPresent: false, reason: 135 });
  });
  it("ignores a CONNACK for a connection it did not see begin", () => {
    expect(connackReader().feed("1: Sending CONNACK to stranger (0, 0)")).toBeUndefined();
  });
});

describe("mosquitto's TLS listener", () => {
  it("is a second loopback listener with the CA, certificate and key, no client certificate required", () => {
    expect(tlsListenerLines(8883, { caFile: "/s/ca.pem", certFile: "/s/server.pem", keyFile: "/s/server.key" })).toEqual([
      "listener 8883 127.0.0.1",
      "cafile /s/ca.pem",
      "certfile /s/server.pem",
      "keyfile /s/server.key",
      "require_certificate false",
    ]);
  });
  it.skipIf(!existsSync(OPENSSL))("gets a server certificate for 127.0.0.1 and localhost that chains to the throwaway CA", () => {
    const dir = mkdtempSync(join(tmpdir(), "faraday-tls-"));
    try {
      const f = makeTlsFiles(dir);
      const cert = new X509Certificate(readFileSync(f.certFile));
      const ca = new X509Certificate(readFileSync(f.caFile));
      expect(cert.verify(ca.publicKey)).toBe(true);
      expect(cert.checkIP("127.0.0.1")).toBe("127.0.0.1");
      expect(cert.checkHost("localhost")).toBe("localhost");
      expect(existsSync(f.keyFile)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
