import { describe, expect, it } from "vitest";
import { connackReader } from "../../src/brokers/mosquitto.ts";

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
