import { describe, expect, it } from "vitest";
import { mosquittoPubProps, mosquittoSubParser, parseJsonKeepingDuplicates } from "../../src/scenario/mosquittoFormat.ts";

/** One record as mosquitto_sub prints it with MOSQUITTO_SUB_FORMAT: %j NUL %x NUL %D NUL ESC ESC "EOR" LF. */
const record = (json: string, payload: Buffer, corr: Buffer) =>
  Buffer.concat([Buffer.from(json), Buffer.from([0]), Buffer.from(payload.toString("hex")), Buffer.from([0]), corr, Buffer.from("\0\x1b\x1bEOR\n", "latin1")]);

describe("mosquitto_sub's output", () => {
  it("separates -d lines from records, keeps a record cut across chunks until it is whole, and reads it in the timeline's terms", () => {
    const json = '{"tst":"x","topic":"f/a","qos":1,"retain":0,"payloadlen":2,"properties":{"content-type":"text/plain","payload-format-indicator":1,"correlation-data":"?","user-properties":{"k":"v","k":"w"}}}';
    const bytes = Buffer.concat([Buffer.from("Client msub received CONNACK (0)\n"), record(json, Buffer.from([0xff, 0x00]), Buffer.from([0x00, 0xff, 0x10])), Buffer.from("Subscribed (mid: 1): 1\n")]);
    const p = mosquittoSubParser();
    const cut = 50;
    const first = p.push(bytes.subarray(0, cut));
    expect(first).toEqual([{ line: "Client msub received CONNACK (0)" }]);
    const rest = p.push(bytes.subarray(cut));
    expect(rest).toEqual([
      {
        record: {
          topic: "f/a",
          payload: { hex: "ff00" },
          qos: 1,
          retain: false,
          props: { contentType: "text/plain", payloadFormatIndicator: true, correlationData: { hex: "00ff10" }, userProperties: { k: ["v", "w"] } },
        },
      },
      { line: "Subscribed (mid: 1): 1" },
    ]);
  });

  it("keeps every value of a repeated JSON name, in order", () => {
    expect(parseJsonKeepingDuplicates('{"a":1,"a":2,"a":3,"b":[true,null]}')).toEqual({ a: [1, 2, 3], b: [true, null] });
    expect(() => parseJsonKeepingDuplicates('{"a":1,}')).toThrow(/cannot read/);
  });
});

describe("mosquitto_pub's -D arguments", () => {
  it("spell MQTT.js property names as mosquitto does, one -D per user property value", () => {
    expect(mosquittoPubProps({ contentType: "text/plain", payloadFormatIndicator: true, userProperties: { k: ["v", "w"] } })).toEqual([
      ...["-D", "publish", "content-type", "text/plain"],
      ...["-D", "publish", "payload-format-indicator", "1"],
      ...["-D", "publish", "user-property", "k", "v"],
      ...["-D", "publish", "user-property", "k", "w"],
    ]);
    expect(() => mosquittoPubProps({ correlationData: { hex: "00ff" } })).toThrow(/cannot send/);
  });
});
