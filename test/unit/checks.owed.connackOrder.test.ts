import { describe, expect, it } from "vitest";
import { owedToDevice } from "../../src/checks/owed.ts";
import { buildLedger } from "../../src/checks/ledger.ts";
import { ctx, ev, sortByT } from "./helpers.ts";

/**
 * mqtt_as's broker-crash, seen both ways in 5 repeats of one seed: the broker's CONNACK
 * (session present 0) is stamped when the host reads mosquitto's log, a few ms after the device
 * already reported the connection up and subscribed on it. The subscription is of that session
 * all the same, so what the observer publishes next is owed to the device.
 */
const run = (connackAt: number) =>
  sortByT([
    ev(connackAt, "broker", "connack", { client: "dev", cleanStart: false, sessionPresent: false }),
    ev(8880, "device", "up"),
    ev(8882, "device", "subscribed", { topic: "f/down" }),
    ev(9100, "observer", "publish", { id: 1, topic: "f/down", payload: "seq=1", qos: 1 }),
    ev(9110, "observer", "puback", { id: 1 }),
  ]);
const owed = (connackAt: number) => {
  const events = run(connackAt);
  return owedToDevice(buildLedger(events).find((m) => m.dir === "down")!, events, ctx());
};

describe("owed: the order of the broker's CONNACK and the device's up", () => {
  it("owes the message whichever of the two the host recorded first", () => {
    expect(owed(8878).owed).toBe(true);
    expect(owed(8885).owed).toBe(true); // read 5 ms after the device's up and subscribe
  });

  it("still does not owe a message published before the renewed subscription of a new session", () => {
    const events = sortByT([
      ev(1000, "device", "up"),
      ev(1010, "device", "subscribed", { topic: "f/down" }),
      ev(2000, "device", "down"),
      ev(3000, "broker", "connack", { client: "dev", cleanStart: false, sessionPresent: false }),
      ev(3005, "device", "up"),
      ev(3100, "observer", "publish", { id: 1, topic: "f/down", payload: "seq=1", qos: 1 }),
      ev(3110, "observer", "puback", { id: 1 }),
      ev(3500, "device", "subscribed", { topic: "f/down" }),
    ]);
    const o = owedToDevice(buildLedger(events).find((m) => m.dir === "down")!, events, ctx());
    expect(o.owed).toBe(false);
    expect((o as { why: string }).why).toContain("before the device renewed its subscription (3.500 s)");
  });
});
