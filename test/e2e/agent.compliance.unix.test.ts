// The agent protocol's additions for the compliance matrix (docs/agent-protocol.md), driven
// op by op on the real MicroPython agent with the default client (aiomqttc, MQTT 3.1.1)
// against a real mosquitto, with MQTT.js as the other party. No proxy and no scenario: each
// test speaks the agent protocol itself and looks at what reached the broker and the observer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, writeFileSync } from "node:fs";
import { pbkdf2Sync, randomBytes } from "node:crypto";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { Lab } from "../../src/lab/lab.ts";
import { until } from "../../src/lab/ready.ts";
import { requireTools, type Toolchain } from "../../src/tools/index.ts";
import { mosquitto } from "../../src/brokers/mosquitto.ts";
import type { RunningBroker } from "../../src/brokers/broker.ts";
import { unixPort } from "../../src/devices/unix.ts";
import { resolveClient } from "../../src/devices/clients.ts";
import type { AgentChannel } from "../../src/devices/channel.ts";
import type { TimelineEvent } from "../../src/timeline/event.ts";
import { processesUnder } from "./lab.ts";

let t: Toolchain;
let lab: Lab;
let broker: RunningBroker;
let observer: MqttClient;
const received: { topic: string; payload: string; qos: number; retain: boolean; t: number }[] = [];

const ev = (device: string, kind: string) => (e: TimelineEvent) => e.src === "device" && e.device === device && e.kind === kind;
const brokerSaid = (re: RegExp) => (e: TimelineEvent) => e.src === "broker" && e.kind === "log" && re.test(String(e.line));
const events = (match: (e: TimelineEvent) => boolean) => lab.timeline.events.filter(match);

/** The first event matching from `since` on (default: the run's start), already there or yet to come. */
async function waitFor(match: (e: TimelineEvent) => boolean, what: string, withinMs = 5000, since = 0): Promise<TimelineEvent> {
  const e = await lab.timeline.seenOrNext(match, { since: lab.timeline.markAt(since), within: withinMs });
  if (!e) throw new Error(`${what}: not within ${withinMs} ms`);
  return e;
}

async function observed(topic: string, payload: string, withinMs = 5000) {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const m = received.find((r) => r.topic === topic && r.payload === payload);
    if (m) return m;
    if (Date.now() > deadline) throw new Error(`the observer never got ${payload} on ${topic}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function device(name: string): Promise<AgentChannel> {
  const client = resolveClient("aiomqttc", undefined, (m) => (t.clients as Record<string, { dir: string; version: string }>)[m]);
  return unixPort({ micropython: t.micropython.argv }).launch(lab, { name, client });
}

function cfg(clientId: string, over: Record<string, unknown> = {}, port = broker.port) {
  return {
    client_id: clientId,
    server: "127.0.0.1",
    port,
    keepalive: 6,
    clean: true,
    clean_init: true,
    protocol: "3.1.1",
    session_expiry: 0,
    response_time: 3,
    subs: [],
    debug: false,
    ...over,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  t = await requireTools();
  lab = new Lab("agent-compliance");
  broker = await mosquitto({ bin: t.mosquitto.path }).start(lab, { protocol: "3.1.1" });
  observer = mqtt.connect({ host: "127.0.0.1", port: broker.port, protocolVersion: 4, clientId: "observer", reconnectPeriod: 200 });
  await new Promise((r) => observer.once("connect", r));
  observer.on("message", (topic, payload, packet) =>
    received.push({ topic, payload: payload.toString(), qos: packet.qos, retain: packet.retain, t: lab.timeline.now() }),
  );
  await observer.subscribeAsync("c/#", { qos: 1 });
});

afterAll(async () => {
  observer?.end(true);
  const dir = lab?.dir;
  await lab?.teardown();
  if (dir) expect(processesUnder(dir)).toEqual([]);
});

describe("agent protocol additions on the MicroPython unix port with aiomqttc", () => {
  it("start's will reaches an MQTT.js subscriber when the device process dies, as given (topic, payload, QoS, retain)", async () => {
    const dev = await device("will");
    const will = { topic: "c/will/dev", payload: "dev gone", qos: 1, retain: true };
    const a = await dev.send("start", { cfg: cfg("faraday-will", { will }) }).ack;
    expect(a).toMatchObject({ ok: true });
    await waitFor(ev("will", "up"), "up");
    expect(received.some((r) => r.topic === will.topic)).toBe(false); // not before the loss
    await dev.proc.kill(); // abrupt loss: the kernel closes the socket, no DISCONNECT
    const m = await observed(will.topic, will.payload);
    expect(m.qos).toBe(1);
    // A retained will is stored: a later subscriber gets it with the retain flag.
    const late = mqtt.connect({ host: "127.0.0.1", port: broker.port, protocolVersion: 4, clientId: "late", reconnectPeriod: 0 });
    const retained = await new Promise<{ payload: string; retain: boolean }>((resolve, reject) => {
      late.on("message", (_t, p, pkt) => resolve({ payload: p.toString(), retain: pkt.retain }));
      late.on("connect", () => late.subscribe(will.topic, { qos: 1 }));
      setTimeout(() => reject(new Error("no retained will")), 3000);
    });
    late.end(true);
    expect(retained).toEqual({ payload: will.payload, retain: true });
    observer.publish(will.topic, "", { qos: 1, retain: true }); // clear it
    expect(events(brokerSaid(/Received DISCONNECT from faraday-will/))).toEqual([]);
  });

  it("user and password travel in the CONNECT: a broker that requires them admits the right pair and refuses a wrong one", async () => {
    // A second mosquitto, with a password file and no anonymous access.
    const dir = join(lab.dir, "auth-broker");
    mkdirSync(dir, { recursive: true });
    const salt = randomBytes(12);
    const hash = pbkdf2Sync("s3cret", salt, 101, 64, "sha512"); // mosquitto_passwd's $7$ format
    writeFileSync(join(dir, "passwd"), `alice:$7$101$${salt.toString("base64")}$${hash.toString("base64")}\n`);
    const port = await lab.port();
    writeFileSync(
      join(dir, "mosquitto.conf"),
      [`listener ${port} 127.0.0.1`, "allow_anonymous false", `password_file ${join(dir, "passwd")}`, "log_dest stderr", "log_type all", ...(process.getuid?.() === 0 ? ["user root"] : []), ""].join("\n"),
    );
    const proc = lab.spawn({
      name: "mosquitto-auth",
      cmd: t.mosquitto.path,
      args: ["-c", join(dir, "mosquitto.conf")],
      cwd: dir,
      onLine: (line) => lab.timeline.record("broker", "log", { broker: "mosquitto-auth", line }),
    });
    lab.defer("stop mosquitto-auth", () => proc.stop());
    await until("the auth broker listening", async () => events((e) => e.broker === "mosquitto-auth" && /running/.test(String(e.line))).length > 0, { withinMs: 5000, proc });

    const dev = await device("auth");
    const wrong = await dev.send("start", { cfg: cfg("faraday-auth", { user: "alice", password: "wrong" }, port) }).ack;
    expect(wrong.ok).toBe(false);
    // aiomqttc keeps the CONNACK's return code on its protocol object, not where its
    // get_last_error() looks, so the refusal's reason shows only in the broker's log.
    await waitFor(brokerSaid(/Sending CONNACK to \S+ \(0, 5\)/), "the broker refuses the wrong password (5: not authorized)");
    const right = await dev.send("start", { cfg: cfg("faraday-auth", { user: "alice", password: "s3cret" }, port) }).ack;
    expect(right).toMatchObject({ ok: true });
    await waitFor(brokerSaid(/New client connected .* as faraday-auth .*u'alice'/), "the broker logs alice's connection");
    expect(events(ev("auth", "error"))).toEqual([]);
    expect((await dev.send("stop").ack).ok).toBe(true);
  });

  it("unsubscribe stops delivery (a marker on another topic proves the broker has routed past it)", async () => {
    const dev = await device("unsub");
    expect((await dev.send("start", { cfg: cfg("faraday-unsub", { subs: [["d/keep", 1]] }) }).ack).ok).toBe(true);
    await waitFor(ev("unsub", "subscribed"), "subs renewed");
    expect((await dev.send("subscribe", { topic: "d/gone", qos: 1, props: {} }).ack).ok).toBe(true);
    // aiomqttc's subscribe returns before the SUBACK: wait for the broker's.
    await until("two SUBACKs", async () => events(brokerSaid(/Sending SUBACK to faraday-unsub/)).length >= 2, { withinMs: 3000 });
    await observer.publishAsync("d/gone", "before", { qos: 1 });
    await waitFor((e) => ev("unsub", "msg")(e) && e.payload === "before", "delivered while subscribed");

    const u = await dev.send("unsubscribe", { topic: "d/gone" }).ack;
    expect(u).toMatchObject({ ok: true });
    await waitFor(brokerSaid(/Received UNSUBSCRIBE from faraday-unsub/), "UNSUBSCRIBE reached the broker");
    await observer.publishAsync("d/gone", "after", { qos: 1 });
    await observer.publishAsync("d/keep", "marker", { qos: 1 });
    await waitFor((e) => ev("unsub", "msg")(e) && e.payload === "marker", "marker delivered");
    expect(events(ev("unsub", "msg")).map((e) => e.payload)).toEqual(["before", "marker"]);
    expect(events(ev("unsub", "error"))).toEqual([]);
    expect((await dev.send("stop").ack).ok).toBe(true);
  });

  it("disconnect sends a clean DISCONNECT (so no will), the client stays off, and a later start connects again with a new cfg", async () => {
    const dev = await device("disc");
    const will = { topic: "c/will/disc", payload: "disc gone", qos: 1, retain: false };
    expect((await dev.send("start", { cfg: cfg("faraday-disc", { will }) }).ack).ok).toBe(true);
    await waitFor(ev("disc", "up"), "up");

    const d = await dev.send("disconnect", {}).ack;
    expect(d).toMatchObject({ ok: true });
    await waitFor(brokerSaid(/Received DISCONNECT from faraday-disc/), "DISCONNECT reached the broker");
    await waitFor(ev("disc", "down"), "down after disconnect");
    const off = lab.timeline.now();
    await sleep(2500); // the adapter's reconnect pause is 1 s: it would be back by now
    expect(events((e) => ev("disc", "up")(e) && e.t > off)).toEqual([]);
    expect(received.filter((r) => r.topic === will.topic)).toEqual([]);
    expect(dev.running).toBe(true); // the agent stays, unlike after `stop`
    const refused = await dev.send("publish", { topic: "c/disc", payload: "while off", qos: 1, retain: false, props: {} }).ack;
    expect(refused.ok).toBe(false);
    expect(refused.err).toMatch(/not connected/);

    const again = await dev.send("start", { cfg: cfg("faraday-disc2", { subs: [["d/disc2", 1]] }) }).ack;
    expect(again).toMatchObject({ ok: true });
    await waitFor((e) => ev("disc", "up")(e) && e.t > off, "up again");
    expect((await dev.send("publish", { topic: "c/disc", payload: "back", qos: 1, retain: false, props: {} }).ack).ok).toBe(true);
    await observed("c/disc", "back");
    await waitFor(brokerSaid(/New client connected .* as faraday-disc2/), "the new client id");
    // An op from before and a second disconnect are harmless; then the agent ends on stop.
    expect((await dev.send("disconnect", {}).ack).ok).toBe(true);
    expect((await dev.send("disconnect", {}).ack).ok).toBe(true);
    expect(events(ev("disc", "error"))).toEqual([]);
    expect((await dev.send("stop").ack).ok).toBe(true);
    await dev.proc.exited;
  });

  it("reconnect:false — after the broker went away and came back, the client reports down and stays down", async () => {
    const dev = await device("norec");
    expect((await dev.send("start", { cfg: cfg("faraday-norec", { reconnect: false, keepalive: 2 }) }).ack).ok).toBe(true);
    await waitFor(ev("norec", "up"), "up");
    await broker.crash();
    await waitFor(ev("norec", "down"), "down", 10_000);
    await broker.start();
    const back = lab.timeline.now();
    await sleep(3000);
    expect(events((e) => ev("norec", "up")(e) && e.t > back)).toEqual([]);
    expect(events(brokerSaid(/New client connected .* as faraday-norec/)).length).toBe(1);
    const p = await dev.send("publish", { topic: "c/norec", payload: "x", qos: 1, retain: false, props: {} }).ack;
    expect(p.ok).toBe(false);
    expect(p.err).toMatch(/not connected/);
    expect((await dev.send("stop").ack).ok).toBe(true);
  });

  it("what aiomqttc cannot do is answered unsupported, never faked or dropped", async () => {
    const dev = await device("unsup");
    const start = async (c: Record<string, unknown>) => dev.send("start", { cfg: c }).ack;
    expect(await start(cfg(""))).toMatchObject({ ok: false, err: expect.stringMatching(/^unsupported: client id under 2 characters/) });
    expect(await start(cfg("faraday-unsup", { protocol: "5" }))).toMatchObject({ ok: false, err: expect.stringMatching(/^unsupported: MQTT 3\.1\.1 only, no MQTT 5/) });
    expect(await start(cfg("faraday-unsup", { will: { topic: "c/w", payload: "", qos: 0, retain: false } }))).toMatchObject({
      ok: false,
      err: expect.stringMatching(/^unsupported: will with an empty payload/),
    });
    // The agent is still usable after refused starts.
    expect((await start(cfg("faraday-unsup"))).ok).toBe(true);
    for (const opts of [{ nl: true }, { rap: true }, { rh: 2 }, { nl: false, rap: false, rh: 1 }]) {
      const a = await dev.send("subscribe", { topic: "d/opts", qos: 1, props: {}, opts }).ack;
      expect(a, JSON.stringify(opts)).toMatchObject({ ok: false, err: expect.stringMatching(/^unsupported: .*subscription options/) });
    }
    expect(events((e) => ev("unsup", "subscribed")(e))).toEqual([]);
    // Default options are no options: the subscribe goes through.
    expect((await dev.send("subscribe", { topic: "d/opts", qos: 1, props: {}, opts: { nl: false, rap: false, rh: 0 } }).ack).ok).toBe(true);
    expect(await dev.send("publish", { topic: "c/q2", payload: "x", qos: 2, retain: false, props: {} }).ack).toMatchObject({
      ok: false,
      err: expect.stringMatching(/^unsupported: QoS 2/),
    });
    expect(await dev.send("publish", { topic: "c/p", payload: "x", qos: 1, retain: false, props: { contentType: "text/plain" } }).ack).toMatchObject({
      ok: false,
      err: expect.stringMatching(/^unsupported: .*properties/),
    });
    expect(await dev.send("disconnect", { reason: 4 }).ack).toMatchObject({ ok: false, err: expect.stringMatching(/^unsupported: /) });
    expect(received.filter((r) => r.topic === "c/q2" || r.topic === "c/p")).toEqual([]);
    expect(events(ev("unsup", "error"))).toEqual([]);
    expect((await dev.send("stop").ack).ok).toBe(true);
  });
});
