import { describe, expect, it } from "vitest";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connackReader, mosquittoConf, tlsListenerLines } from "../../src/brokers/mosquitto.ts";
import { makeTlsFiles, OPENSSL } from "../../src/brokers/tlsMaterial.ts";

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

describe("mosquitto's config file", () => {
  const base = { port: 1883, dir: "/lab/mosquitto", passwordFile: "/lab/mosquitto/passwd", root: false };
  it("by default: anonymous clients on loopback, saved after every change when durable, every line logged to stderr", () => {
    expect(mosquittoConf({ ...base, durable: true, settings: {} }).split("\n")).toEqual([
      "listener 1883 127.0.0.1",
      "allow_anonymous true",
      "persistence true",
      "persistence_location /lab/mosquitto/",
      "autosave_interval 1",
      "autosave_on_changes true",
      "log_dest stderr",
      "log_type all",
      "connection_messages true",
      "max_queued_messages 10000",
      "",
    ]);
  });
  it("with settings: users instead of anonymous, each limit on its line, root kept, the TLS listener last", () => {
    const tls = { port: 8883, files: { caFile: "/s/ca.pem", certFile: "/s/server.pem", keyFile: "/s/server.key" } };
    const settings = { users: { a: "b" }, maxPacketSize: 512, maxKeepalive: 10, receiveMaximum: 3, topicAliasMaximum: 4, maxQos: 1 as const, tls: true as const };
    expect(mosquittoConf({ ...base, durable: false, settings, tls, root: true }).split("\n")).toEqual([
      "listener 1883 127.0.0.1",
      "allow_anonymous false",
      "password_file /lab/mosquitto/passwd",
      "max_packet_size 512",
      "max_keepalive 10",
      "max_inflight_messages 3",
      "max_topic_alias 4",
      "max_qos 1",
      "persistence true",
      "persistence_location /lab/mosquitto/",
      "autosave_interval 1800",
      "user root",
      "log_dest stderr",
      "log_type all",
      "connection_messages true",
      "max_queued_messages 10000",
      "listener 8883 127.0.0.1",
      "cafile /s/ca.pem",
      "certfile /s/server.pem",
      "keyfile /s/server.key",
      "require_certificate false",
      "",
    ]);
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
