// The adapters report what their client hands back (issue 10 item 5): mqtt_as gives a received
// Payload Format Indicator as the int it read, aiomqttc the RETAIN flag as its bit (0/1), while
// MQTT.js and the peers give booleans. The checkers compare the MQTT value, so none of the
// adapters has to convert; and a device publish the client answered with an exception is quoted
// in the failing `delivered` check, in the client's own words.
import { describe, expect, it } from "vitest";
import { delivered } from "../../src/checks/delivered.ts";
import { differences, receiptsOf, samePropValue } from "../../src/checks/receipts.ts";
import { connackAgrees } from "../../src/checks/connackAgrees.ts";
import { connackHas } from "../../src/checks/connackHas.ts";
import { ctx, ev } from "./helpers.ts";

describe("samePropValue: one-bit flag properties compared as MQTT values", () => {
  it("true ≡ 1 and false ≡ 0 for the flag properties", () => {
    expect(samePropValue("payloadFormatIndicator", 1, true)).toBe(true);
    expect(samePropValue("payloadFormatIndicator", 0, false)).toBe(true);
    expect(samePropValue("payloadFormatIndicator", true, 1)).toBe(true);
    expect(samePropValue("requestProblemInformation", 0, false)).toBe(true);
    expect(samePropValue("retainAvailable", 1, true)).toBe(true);
  });

  it("a different value still differs, and a value that is no flag is not taken for one", () => {
    expect(samePropValue("payloadFormatIndicator", 0, true)).toBe(false);
    expect(samePropValue("payloadFormatIndicator", 1, false)).toBe(false);
    expect(samePropValue("payloadFormatIndicator", 2, true)).toBe(false);
    expect(samePropValue("payloadFormatIndicator", "1", true)).toBe(false);
    expect(samePropValue("payloadFormatIndicator", { hex: "01" }, true)).toBe(false);
  });

  it("other properties are compared exactly as before (no 1 ≡ true)", () => {
    expect(samePropValue("messageExpiryInterval", 1, true)).toBe(false);
    expect(samePropValue("subscriptionIdentifier", 1, true)).toBe(false);
    expect(samePropValue("userProperties", { k: ["v"] }, { k: "v" })).toBe(true);
  });
});

describe("receipts: values as each adapter reports them", () => {
  const want = { topic: "f/down", payload: "café", props: { payloadFormatIndicator: true } };

  it("mqtt_as's int Payload Format Indicator matches the wanted boolean; a wrong one is quoted", () => {
    const [ok] = receiptsOf([ev(1, "device", "msg", { topic: "f/down", payload: "café", retained: false, props: { payloadFormatIndicator: 1 } })], "device");
    expect(differences(ok!, want)).toEqual([]);
    const [bad] = receiptsOf([ev(1, "device", "msg", { topic: "f/down", payload: "café", retained: false, props: { payloadFormatIndicator: 0 } })], "device");
    expect(differences(bad!, want)).toEqual(["property payloadFormatIndicator 0 ≠ true"]);
  });

  it("aiomqttc's RETAIN bit (0/1) is the retain flag", () => {
    const rs = receiptsOf(
      [ev(1, "device", "msg", { topic: "t", payload: "a", retained: 1 }), ev(2, "device", "msg", { topic: "t", payload: "b", retained: 0 }), ev(3, "device", "msg", { topic: "t", payload: "c", retained: true })],
      "device",
    );
    expect(rs.map((r) => r.retain)).toEqual([true, false, true]);
    expect(differences(rs[0]!, { topic: "t", retain: true })).toEqual([]);
    expect(differences(rs[1]!, { topic: "t", retain: true })).toEqual(["retain false ≠ true"]);
  });
});

describe("CONNACK checks compare flag properties the same way", () => {
  it("connackAgrees: a device reading retainAvailable as 1 agrees with a peer reading true", () => {
    const events = [ev(1, "peer", "up", { peer: "ref", props: { retainAvailable: true } }), ev(2, "device", "up", { props: { retainAvailable: 1 } })];
    expect(connackAgrees({ like: "peer:ref", props: ["retainAvailable"] }).judge(events, ctx()).verdict).toBe("pass");
    const wrong = [events[0]!, ev(2, "device", "up", { props: { retainAvailable: 0 } })];
    expect(connackAgrees({ like: "peer:ref", props: ["retainAvailable"] }).judge(wrong, ctx()).verdict).toBe("fail");
  });

  it("connackHas: a wanted boolean flag matches the int a client reports", () => {
    const events = [ev(1, "device", "up", { session_present: false, reason: 0, props: { wildcardSubscriptionAvailable: 1 } })];
    const r = connackHas({ who: "device", props: { wildcardSubscriptionAvailable: true } }).judge(events, ctx());
    expect(r.verdict).toBe("pass");
  });
});

describe("delivered: a device publish the client answered with an exception is the evidence", () => {
  const tb =
    'Traceback (most recent call last):\n  File "harness/device/agent.py", line 106, in _op\n  File "lib/faraday_adapter.py", line 265, in publish\n  File "src/mqtt_as/__init__.py", line 948, in publish\n  File "src/mqtt_as/mqtt_v5_properties.py", line 104, in encode_properties\nTypeError: object of type \'int\' has no len()\n';
  const err = `TypeError("object of type 'int' has no len()",)`;
  const events = [
    ev(100, "device", "op", { device: "dev1", id: 3, op: "publish", topic: "f/up", payload: "café", qos: 1, props: { payloadFormatIndicator: true } }),
    ev(101, "device", "error", { device: "dev1", msg: err, tb }),
    ev(102, "device", "ack", { device: "dev1", id: 3, ok: false, err, op: "publish" }),
  ];
  const check = delivered({ to: "peer:peer", topic: "f/up", payload: "café", props: { payloadFormatIndicator: true } });

  it("fails, quoting the client's error in the summary and its innermost frame in the evidence", () => {
    const r = check.judge(events, ctx());
    expect(r.verdict).toBe("fail");
    expect(r.summary).toBe(`peer peer receives f/up "café": never arrived — the device's publish failed: ${err}`);
    const e = r.evidence.find((x) => x.err === err);
    expect(e?.text).toBe(`the device's publish to f/up at 0.100 s was answered at 0.102 s: ok false (${err}), raised at mqtt_as/mqtt_v5_properties.py line 104, in encode_properties`);
  });

  it("says nothing of the device's publishes when the device is the receiver, or when they succeeded", () => {
    const toDevice = delivered({ to: "device", topic: "f/up" }).judge(events, ctx());
    expect(toDevice.summary).toBe('the device receives f/up: never arrived');
    const okEvents = [events[0]!, ev(102, "device", "ack", { device: "dev1", id: 3, ok: true, op: "publish" })];
    const r = check.judge(okEvents, ctx());
    expect(r.summary).toBe('peer peer receives f/up "café": never arrived');
    expect(r.evidence).toHaveLength(1);
  });
});
