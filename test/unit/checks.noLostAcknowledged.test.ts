import { describe, expect, it } from "vitest";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { ctx, devicePublish, ev, observerRecv, sortByT } from "./helpers.ts";

const judge = (events: ReturnType<typeof sortByT>, c = ctx()) => noLostAcknowledged().judge(events, c);

describe("noLostAcknowledged", () => {
  it("passes when every acknowledged QoS 1 publish reached the observer", () => {
    const r = judge(sortByT([...devicePublish(1, 100, 150), observerRecv(140, 1), ...devicePublish(2, 400, 450), observerRecv(440, 2)]));
    expect(r.verdict).toBe("pass");
    expect(r.summary).toContain("all 2");
  });

  it("fails naming the sequence number and time of an acknowledged message that never arrived", () => {
    const r = judge(sortByT([...devicePublish(1, 100, 150), observerRecv(140, 1), ...devicePublish(2, 400, 12_304)]));
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toMatch(/seq 2 on f\/up acknowledged to the client at 12\.304 s, never delivered to the observer/);
    expect(r.evidence[0]!.charged).toBe("client");
  });

  it("charges the client for an acknowledgement issued while the broker process was down", () => {
    const events = sortByT([
      ...devicePublish(1, 100, 150),
      observerRecv(140, 1),
      ev(1000, "broker", "exit", { how: "SIGKILL" }),
      ...devicePublish(2, 1200, 1210),
      ev(11_000, "broker", "ready"),
    ]);
    const r = judge(events);
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toContain("while the broker was down (1.000 s–11.000 s)");
  });

  it("charges the broker, not the client, for a loss after a crash of a non-durable broker", () => {
    const events = sortByT([...devicePublish(1, 100, 150), ev(5000, "broker", "exit", { how: "SIGKILL" }), ev(9000, "broker", "ready")]);
    const r = judge(events, ctx({ broker: { kind: "mosquitto", durable: false } }));
    expect(r.verdict).toBe("pass");
    expect(r.evidence[0]!.charged).toBe("broker");
    expect(r.summary).toContain("lost by the broker");
  });

  it("charges a durable broker only inside its save window before the crash", () => {
    const inWindow = judge(sortByT([...devicePublish(1, 100, 4500), ev(5000, "broker", "exit", { how: "SIGKILL" })]));
    expect(inWindow.verdict).toBe("pass");
    const longBefore = judge(sortByT([...devicePublish(1, 100, 150), ev(5000, "broker", "exit", { how: "SIGKILL" })]));
    expect(longBefore.verdict).toBe("fail");
  });

  it("judges the observer→device direction from the observer's PUBACK", () => {
    const events = [
      ev(50, "device", "subscribed", { topic: "f/down" }),
      ev(100, "observer", "publish", { id: 1, topic: "f/down", payload: "seq=1", qos: 1 }),
      ev(120, "observer", "puback", { id: 1 }),
    ];
    const r = judge(events);
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toContain("observer→device seq 1");
    const ok = judge([...events, ev(130, "device", "msg", { topic: "f/down", payload: "seq=1" })]);
    expect(ok.verdict).toBe("pass");
  });

  it("takes a subscription as confirmed by the wire's SUBACK when the client reported it on sending the SUBSCRIBE", () => {
    // aiomqttc says "subscribed" once its SUBSCRIBE is written; the broker took seq 1 before the SUBSCRIBE reached it.
    const events = [
      ev(40, "device", "up"),
      ev(50, "device", "subscribed", { topic: "f/down" }),
      ev(51, "observer", "publish", { id: 1, topic: "f/down", payload: "seq=1", qos: 1 }),
      ev(54, "wire", "packet", { dir: "up", conn: 1, cmd: "subscribe", messageId: 3, subscriptions: [{ topic: "f/down", qos: 1 }] }),
      ev(55, "observer", "puback", { id: 1 }),
      ev(60, "wire", "packet", { dir: "down", conn: 1, cmd: "suback", messageId: 3, granted: [1] }),
    ];
    const r = judge(events);
    expect(r.verdict).not.toBe("fail");
    expect(r.summary).toContain("before the device's subscription to f/down was confirmed (0.060 s)");
  });

  it("does not count a message published before the device's subscription was confirmed: it was never owed", () => {
    const events = [
      ev(100, "observer", "publish", { id: 1, topic: "f/down", payload: "seq=1", qos: 1 }),
      ev(120, "observer", "puback", { id: 1 }),
      ev(150, "device", "subscribed", { topic: "f/down" }),
      ev(200, "observer", "publish", { id: 2, topic: "f/down", payload: "seq=2", qos: 1 }),
      ev(220, "observer", "puback", { id: 2 }),
      ev(230, "device", "msg", { topic: "f/down", payload: "seq=2" }),
    ];
    const r = judge(events);
    expect(r.verdict).toBe("pass");
    expect(r.summary).toContain("1 message(s) not owed to their receiver (published at 0.100 s, before the device's subscription to f/down was confirmed (0.150 s))");
  });

  it("does not owe a device without a kept session what was published while it was away", () => {
    const c = ctx();
    const clean = ctx({ client: { ...c.client, clean: true } });
    const events = [
      ev(50, "device", "subscribed", { topic: "f/down" }),
      ev(1000, "device", "down"),
      ev(1100, "observer", "publish", { id: 1, topic: "f/down", payload: "seq=1", qos: 1 }),
      ev(1120, "observer", "puback", { id: 1 }),
      ev(3000, "device", "up"),
      ev(3100, "device", "subscribed", { topic: "f/down" }),
    ];
    expect(judge(events, clean).verdict).toBe("unknown");
    expect(judge(events).verdict).toBe("fail"); // a kept session owes it
  });

  it("in 3.1.1 a first connection made clean keeps no session, whatever the client asked for later (the broker's CONNACK log decides)", () => {
    const events = [
      ev(40, "broker", "connack", { client: "dev", cleanStart: true, sessionPresent: false }),
      ev(50, "device", "subscribed", { topic: "f/down" }),
      ev(1000, "broker", "exit", { how: "SIGKILL" }),
      ev(1100, "observer", "publish", { id: 1, topic: "f/down", payload: "seq=1", qos: 1 }),
      ev(3000, "device", "down"),
      ev(5000, "broker", "ready"),
      ev(5008, "broker", "connack", { client: "dev", cleanStart: false, sessionPresent: false }),
      ev(5010, "observer", "puback", { id: 1 }),
      ev(5020, "device", "up"),
      ev(5030, "device", "subscribed", { topic: "f/down" }),
    ];
    expect(judge(events).verdict).toBe("unknown");
    expect(judge(events).summary).toContain("whose session was not kept");
  });

  it("does not owe a message published into a new, empty session before the device renewed its subscription", () => {
    const events = [
      ev(40, "broker", "connack", { client: "dev", cleanStart: true, sessionPresent: false }),
      ev(50, "device", "subscribed", { topic: "f/down" }),
      ev(1000, "device", "down"),
      ev(2000, "broker", "connack", { client: "dev", cleanStart: false, sessionPresent: false }),
      ev(2001, "device", "up"),
      ev(2010, "observer", "publish", { id: 1, topic: "f/down", payload: "seq=1", qos: 1 }),
      ev(2011, "observer", "puback", { id: 1 }),
      ev(2040, "device", "subscribed", { topic: "f/down" }),
    ];
    const r = judge(events);
    expect(r.verdict).toBe("unknown");
    expect(r.summary).toContain("after the broker started a new session for the device (session present 0, 2.000 s) and before the device renewed its subscription (2.040 s)");
  });

  it("charges the broker when it answered session present 0 to a reconnect that kept the session", () => {
    const events = [
      ev(50, "device", "subscribed", { topic: "f/down" }),
      ev(1000, "broker", "exit", { how: "SIGKILL" }),
      ev(1100, "observer", "publish", { id: 1, topic: "f/down", payload: "seq=1", qos: 1 }),
      ev(5000, "broker", "ready"),
      ev(5010, "observer", "puback", { id: 1 }),
      ev(6000, "broker", "connack", { client: "dev", cleanStart: false, sessionPresent: false }),
      ev(6010, "device", "up"),
    ];
    const r = judge(events);
    expect(r.verdict).toBe("pass");
    expect(r.evidence[0]!.charged).toBe("broker");
    expect(r.evidence[0]!.text).toContain("at 6.000 s the broker answered session present 0 to the device's reconnect with clean start 0");
  });

  it("cannot decide on a run where nothing was acknowledged", () => {
    expect(judge([]).verdict).toBe("unknown");
    expect(judge(devicePublish(1, 100, 200, false)).verdict).toBe("unknown");
  });

  it("ignores QoS 0 messages, which promise nothing", () => {
    const events = [ev(100, "device", "op", { id: 1, op: "publish", topic: "f/up", payload: "seq=1", qos: 0 }), ev(110, "device", "ack", { id: 1, ok: true })];
    expect(judge(events).verdict).toBe("unknown");
  });
});
