// The broker contract: one suite, run against every broker kind (MQTT.js's
// test/node/abstract_client.ts, one suite for every transport, is the model), holding each to
// what its spec declares — the protocols it speaks, `durable`, each `lacks` entry, the
// `settings` it offers — and to the one shape faults use: start (readiness is a real
// CONNACK), crash, shutdown, freeze, thaw. Real brokers only, started through the factories of
// src/brokers/index.ts in a Lab, with MQTT.js clients as the other party. A kind that cannot
// run here (a container kind without a Docker engine, mochi before `faraday setup` built it)
// is held to saying so quickly and starting nothing; every other item is then skipped with its
// reason.
//
// Adding a broker kind adds it here by itself (brokerKinds()). A `lacks` entry or a setting
// with a cheap probe below is measured both ways: lacking where declared, offered where not.
import { readFileSync } from "node:fs";
import mqtt, { type IClientOptions, type IClientPublishOptions, type MqttClient, type Packet } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { brokerFactory, brokerKinds } from "../../src/brokers/index.ts";
import { Lab } from "../../src/lab/lab.ts";
import { requireTools, type Toolchain } from "../../src/tools/index.ts";
import { processesUnder } from "./lab.ts";

type Protocol = "3.1.1" | "5";
type Factory = ReturnType<typeof brokerFactory>;
type Running = Awaited<ReturnType<Factory["start"]>>;

let tools: Toolchain;
beforeAll(async () => {
  tools = await requireTools();
});

const labs: Lab[] = [];
const clients: MqttClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.end(true);
});
afterAll(async () => {
  const dirs = labs.map((l) => l.dir);
  await Promise.all(labs.splice(0).map((l) => l.teardown()));
  for (const dir of dirs) expect(processesUnder(dir)).toEqual([]);
});

const tag = () => Math.random().toString(16).slice(2, 10);
const v = (p: Protocol) => (p === "5" ? 5 : 4);

/** Resolves with `p`, or rejects naming `what` after `ms`. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

interface Conn {
  c: MqttClient;
  connack: { sessionPresent: boolean; reasonCode?: number; returnCode?: number; properties?: Record<string, unknown> };
}

/** An MQTT.js client connected (CONNACK accepted), or the error that refused it. */
function connect(port: number, protocol: Protocol, opts: IClientOptions = {}): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect({ host: "127.0.0.1", port, protocolVersion: v(protocol), reconnectPeriod: 0, connectTimeout: 3000, keepalive: 5, clientId: `ct-${tag()}`, ...opts });
    clients.push(c);
    c.once("connect", (connack) => resolve({ c, connack: connack as Conn["connack"] }));
    c.once("error", reject);
    c.once("close", () => reject(new Error("closed before CONNACK")));
  });
}

/** Whether a CONNECT in `protocol` gets an accepting CONNACK within `ms`. */
async function connects(port: number, protocol: Protocol, opts: IClientOptions = {}, ms = 2000): Promise<boolean> {
  try {
    const { c } = await within(connect(port, protocol, opts), ms, "CONNACK");
    c.end(true);
    return true;
  } catch {
    return false;
  }
}

type Msg = { topic: string; payload: Buffer; qos: number; retain: boolean; props: Record<string, unknown> | undefined };

/** Every message `c` receives, and a wait for the first one matching. */
function inbox(c: MqttClient) {
  const got: Msg[] = [];
  const waiters = new Set<() => void>();
  c.on("message", (topic, payload, pkt) => {
    got.push({ topic, payload, qos: pkt.qos, retain: pkt.retain, props: pkt.properties as Record<string, unknown> | undefined });
    for (const w of [...waiters]) w();
  });
  return {
    got,
    async first(match: (m: Msg) => boolean, ms = 3000, what = "a message"): Promise<Msg> {
      const deadline = Date.now() + ms;
      for (;;) {
        const m = got.find(match);
        if (m) return m;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`${what}: not within ${ms} ms (got ${got.map((g) => g.topic).join(", ") || "nothing"})`);
        await new Promise<void>((r) => {
          const done = () => (clearTimeout(t), waiters.delete(done), r());
          const t = setTimeout(done, left);
          waiters.add(done);
        });
      }
    },
  };
}

/** The PUBACK (or the refusal) a QoS 1 publish gets, read off the wire: its reason code, or why none came. */
function pubackOf(c: MqttClient, topic: string, payload: string | Buffer, opts: IClientPublishOptions = {}): Promise<{ reason: number } | { closed: true } | { error: string }> {
  return within(
    new Promise((resolve) => {
      const onPacket = (pkt: Packet) => pkt.cmd === "puback" && resolve({ reason: (pkt as { reasonCode?: number }).reasonCode ?? 0 });
      c.on("packetreceive", onPacket);
      c.once("close", () => resolve({ closed: true }));
      c.once("error", (e) => resolve({ error: e.message }));
      c.publish(topic, payload, { qos: 1, ...opts });
    }),
    3000,
    `the answer to a QoS 1 PUBLISH on ${topic}`,
  );
}

/** The state letter of /proc/PID/stat (T: stopped). */
function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  } catch {
    return undefined;
  }
}

/**
 * Cheap probes of features a kind may lack (the ids of `lacks`, as scenarios `require` them):
 * each resolves true when the running broker offers the feature, false when it lacks it. A
 * probe names the protocol it needs.
 */
const PROBES: Record<string, { protocol?: Protocol; offered: (b: Running, p: Protocol) => Promise<boolean> }> = {
  // aedes: a v5 CONNECT gets return code 1.
  mqtt5: { offered: (b) => connects(b.port, "5") },
  "shared-subscriptions": {
    async offered(b, p) {
      const t = `ct/shared/${tag()}`;
      const { c: sub } = await connect(b.port, p);
      const box = inbox(sub);
      await sub.subscribeAsync([`$share/g/${t}`, `${t}/marker`], { qos: 1 });
      const { c: pub } = await connect(b.port, p);
      await pub.publishAsync(t, "shared", { qos: 1 });
      await pub.publishAsync(`${t}/marker`, "marker", { qos: 1 });
      await box.first((m) => m.topic === `${t}/marker`, 3000, "the marker");
      return box.got.some((m) => m.topic === t);
    },
  },
  // What the broker announces in CONNACK (MQTT 5 §3.2.2.3.8): absent means 0, no aliases.
  "topic-alias-outgoing": { protocol: "5", offered: async (b) => Number((await connect(b.port, "5")).connack.properties?.topicAliasMaximum ?? 0) > 0 },
  "payload-format-validation": {
    protocol: "5",
    async offered(b) {
      const t = `ct/pfi/${tag()}`;
      const { c } = await connect(b.port, "5");
      const a = await pubackOf(c, t, Buffer.from([0xff, 0xfe]), { properties: { payloadFormatIndicator: true } });
      return !("reason" in a) || a.reason >= 0x80;
    },
  },
  "server-disconnect": {
    protocol: "5",
    async offered(b) {
      const id = `ct-takeover-${tag()}`;
      const { c: first } = await connect(b.port, "5", { clientId: id });
      let reason: number | undefined;
      first.on("packetreceive", (pkt) => pkt.cmd === "disconnect" && (reason = (pkt as { reasonCode?: number }).reasonCode ?? 0));
      const closed = new Promise((r) => first.once("close", () => r(true)));
      await connect(b.port, "5", { clientId: id });
      await within(closed, 3000, "the first connection closed by the takeover");
      return reason === 0x8e;
    },
  },
  "topic-validation": {
    async offered(b, p) {
      const t = `ct/null/${tag()}`;
      const { c: sub } = await connect(b.port, p);
      const box = inbox(sub);
      await sub.subscribeAsync(`${t}/#`, { qos: 1 });
      const { c: pub } = await connect(b.port, p);
      const closed = new Promise<"closed">((r) => pub.once("close", () => r("closed")));
      pub.publish(`${t}/a\u0000b`, "null", { qos: 1 });
      const routed = box.first((m) => m.topic.startsWith(t), 3000).then(() => "routed" as const);
      const first = await within(Promise.race([routed, closed]), 3000, "the broker's answer to a topic with U+0000");
      if (first === "routed") return false;
      routed.catch(() => {});
      // Closed: had it been routed before, it would arrive before this marker.
      const { c: other } = await connect(b.port, p);
      await other.publishAsync(`${t}/marker`, "marker", { qos: 1 });
      await box.first((m) => m.topic === `${t}/marker`, 3000, "the marker");
      return !box.got.some((m) => m.topic.includes("\u0000"));
    },
  },
  "puback-no-subscribers": {
    protocol: "5",
    async offered(b) {
      const { c } = await connect(b.port, "5");
      const a = await pubackOf(c, `ct/nobody/${tag()}`, "x");
      return "reason" in a && a.reason === 0x10;
    },
  },
  "message-expiry": {
    protocol: "5",
    async offered(b) {
      const t = `ct/expiry/${tag()}`;
      const { c: sub } = await connect(b.port, "5");
      const box = inbox(sub);
      await sub.subscribeAsync(t, { qos: 1 });
      const { c: pub } = await connect(b.port, "5");
      await pub.publishAsync(t, "e", { qos: 1, properties: { messageExpiryInterval: 100_000 } });
      const m = await box.first((x) => x.topic === t);
      const e = Number(m.props?.messageExpiryInterval);
      return e > 100_000 - 60 && e <= 100_000; // forwarded less the (short) time held, not capped
    },
  },
  "qos1-user-properties": {
    protocol: "5",
    async offered(b) {
      const t = `ct/up/${tag()}`;
      const { c: sub } = await connect(b.port, "5");
      await sub.subscribeAsync(t, { qos: 1 });
      const { c } = await connect(b.port, "5");
      const a = await pubackOf(c, t, "x", { properties: { userProperties: { site: "north" } } });
      return "reason" in a && (a.reason === 0 || a.reason === 0x10);
    },
  },
  "sys-topics": {
    async offered(b, p) {
      // The broker's version is a retained $SYS topic where there are such topics at all:
      // delivered on subscribing, before a marker published afterwards.
      const { c } = await connect(b.port, p);
      const box = inbox(c);
      const marker = `ct/sys/${tag()}`;
      await c.subscribeAsync(["$SYS/broker/version", marker], { qos: 0 });
      await c.publishAsync(marker, "marker", { qos: 1 });
      await box.first((m) => m.topic === marker, 3000, "the marker");
      return box.got.some((m) => m.topic === "$SYS/broker/version");
    },
  },
};

/** Settings a scenario may ask of a broker, as one start asks them, and how each shows. */
// (mosquitto 2.0 takes a max_keepalive of 10 s at least: "Invalid max_keepalive value (5)".)
const SETTINGS = { users: { contract: "s3cret" }, maxPacketSize: 512, maxKeepalive: 10, receiveMaximum: 3, topicAliasMaximum: 4, maxQos: 1 as const, tls: true as const };
const AUTH = { username: "contract", password: "s3cret" };
const SETTING_PROBES: Record<string, (b: Running) => Promise<void>> = {
  async users(b) {
    for (const p of b.protocols) {
      expect(await connects(b.port, p), `MQTT ${p}: anonymous refused`).toBe(false);
      expect(await connects(b.port, p, { ...AUTH, password: "wrong" }), `MQTT ${p}: a wrong password refused`).toBe(false);
      expect(await connects(b.port, p, AUTH), `MQTT ${p}: the right pair admitted`).toBe(true);
    }
  },
  async maxPacketSize(b) {
    const { c, connack } = await connect(b.port, "5", AUTH);
    expect(connack.properties?.maximumPacketSize).toBe(SETTINGS.maxPacketSize);
    // A larger PUBLISH (MQTT.js sends it regardless) ends the connection.
    const closed = new Promise((r) => c.once("close", () => r(true)));
    c.publish(`ct/big/${tag()}`, Buffer.alloc(2 * SETTINGS.maxPacketSize), { qos: 1 });
    await within(closed, 3000, "the connection closed over a PUBLISH above Maximum Packet Size");
  },
  async maxKeepalive(b) {
    const { connack } = await connect(b.port, "5", { ...AUTH, keepalive: 60 });
    expect(connack.properties?.serverKeepAlive).toBe(SETTINGS.maxKeepalive);
  },
  async receiveMaximum(b) {
    expect((await connect(b.port, "5", AUTH)).connack.properties?.receiveMaximum).toBe(SETTINGS.receiveMaximum);
  },
  async topicAliasMaximum(b) {
    expect((await connect(b.port, "5", AUTH)).connack.properties?.topicAliasMaximum).toBe(SETTINGS.topicAliasMaximum);
  },
  async maxQos(b) {
    const { c, connack } = await connect(b.port, "5", AUTH);
    expect(connack.properties?.maximumQoS).toBe(SETTINGS.maxQos);
    for (const p of b.protocols) {
      const { c: s } = await connect(b.port, p, AUTH);
      const granted = await s.subscribeAsync(`ct/maxqos/${tag()}`, { qos: 2 });
      expect(granted.map((g) => g.qos), `MQTT ${p}: SUBACK grants at most ${SETTINGS.maxQos}`).toEqual([SETTINGS.maxQos]);
    }
    c.end(true);
  },
  async tls(b) {
    expect(b.tlsPort).toBeTypeOf("number");
    expect(b.caFile).toBeTypeOf("string");
    const ca = readFileSync(b.caFile!, "utf8");
    // The server proves itself with the run's CA, for "localhost"; a plain CONNECT gets nothing.
    expect(await connects(b.tlsPort!, "5", { ...AUTH, protocol: "mqtts", ca, servername: "localhost", rejectUnauthorized: true })).toBe(true);
    expect(await connects(b.tlsPort!, "5", AUTH, 1000)).toBe(false);
  },
};

describe.each(brokerKinds())("broker contract: %s", (kind) => {
  const factory = (choice: { durable: boolean; settings?: typeof SETTINGS } = { durable: true }): Factory => brokerFactory(kind, tools, choice);
  let cannot: string | undefined;
  let shared: Running | undefined;

  beforeAll(async () => {
    cannot = await factory().unavailable?.();
  });

  /** A broker of this kind in a Lab of its own. */
  async function start(choice?: { durable: boolean; settings?: typeof SETTINGS }, protocol?: Protocol): Promise<{ lab: Lab; broker: Running }> {
    const f = factory(choice);
    const lab = new Lab(`contract-broker-${kind}`);
    labs.push(lab);
    return { lab, broker: await f.start(lab, { protocol: protocol ?? f.protocols.at(-1)! }) };
  }
  /** One broker for the items that leave it as they found it. */
  async function sharedBroker(): Promise<Running> {
    shared ??= (await start()).broker;
    return shared;
  }

  const contract = (title: string, fn: () => Promise<void>, o: { unless?: () => string | undefined; timeout?: number } = {}) =>
    it(
      title,
      async (ctx) => {
        const why = cannot ?? o.unless?.();
        if (why) return ctx.skip(why);
        await fn();
      },
      o.timeout,
    );

  it("can run here, or says why within 2 s — and then starting it starts nothing and fails with that reason", async (ctx) => {
    const f = factory();
    const t0 = Date.now();
    const why = await f.unavailable?.();
    expect(Date.now() - t0).toBeLessThan(2000);
    if (why === undefined) return ctx.skip(`${kind} can run here`);
    expect(why).toMatch(/\S/);
    const lab = new Lab(`contract-broker-${kind}-unavailable`);
    labs.push(lab);
    await expect(f.start(lab, { protocol: f.protocols[0]! })).rejects.toThrow(why);
    expect(lab.timeline.events).toEqual([]);
    expect(processesUnder(lab.dir)).toEqual([]);
  });

  it("declares itself: its kind, the protocols it speaks, durable, and a reason for each feature it lacks", () => {
    const f = factory();
    expect(f.kind).toBe(kind);
    expect(f.protocols.length).toBeGreaterThan(0);
    for (const p of f.protocols) expect(["3.1.1", "5"]).toContain(p);
    expect(f.durable).toBeTypeOf("boolean");
    for (const [feature, why] of Object.entries(f.lacks ?? {})) expect(why.length, `lacks ${feature}: its reason`).toBeGreaterThan(20);
    // A protocol it does not speak is one it lacks (a scenario needing it is `skip`).
    expect(f.protocols.includes("5"), "speaks MQTT 5 exactly when it does not lack mqtt5").toBe(!f.lacks?.mqtt5);
    for (const s of f.settings ?? []) expect(Object.keys(SETTINGS), `setting ${s} is one the lab knows`).toContain(s);
  });

  for (const protocol of ["3.1.1", "5"] as const) {
    contract(
      `MQTT ${protocol}: once started it answers a real CONNECT and carries QoS 1 from one client to another`,
      async () => {
        const b = await sharedBroker();
        expect(await connects(b.port, protocol)).toBe(true);
        const t = `ct/${kind}/${protocol}/${tag()}`;
        const { c: sub } = await connect(b.port, protocol);
        const box = inbox(sub);
        await sub.subscribeAsync(t, { qos: 1 });
        const { c: pub } = await connect(b.port, protocol);
        await pub.publishAsync(t, "hello", { qos: 1 });
        const m = await box.first((x) => x.topic === t);
        expect({ payload: m.payload.toString(), qos: m.qos, retain: m.retain }).toEqual({ payload: "hello", qos: 1, retain: false });
      },
      { unless: () => (factory().protocols.includes(protocol) ? undefined : `${kind} does not speak MQTT ${protocol}`) },
    );
  }

  contract("the running broker states what its factory declared (kind, protocols, durable, lacks, settings), on 127.0.0.1, and said ready with its port and pid", async () => {
    const f = factory();
    const { lab, broker } = await start();
    const declared = (b: Factory | Running) => ({ kind: b.kind, protocols: [...b.protocols], durable: b.durable, lacks: b.lacks, settings: b.settings && [...b.settings] });
    expect(declared(broker)).toEqual(declared(f));
    expect(broker.host).toBe("127.0.0.1");
    expect(broker.running).toBe(true);
    const ready = lab.timeline.events.filter((e) => e.src === "broker" && e.kind === "ready");
    expect(ready).toHaveLength(1);
    expect(ready[0]).toMatchObject({ port: broker.port });
  });

  contract("crash (SIGKILL) drops every connection at once and refuses new ones; start brings it back on the same port", async () => {
    const { lab, broker } = await start();
    const p = broker.protocols.at(-1)!;
    const port = broker.port;
    const { c } = await connect(port, p);
    const closed = new Promise<number>((r) => c.once("close", () => r(Date.now())));
    const t0 = Date.now();
    await broker.crash();
    expect(broker.running).toBe(false);
    expect((await within(closed, 1000, "the client's close")) - t0).toBeLessThan(1000);
    expect(await connects(port, p, {}, 1000)).toBe(false);
    await broker.start();
    expect(broker.running).toBe(true);
    expect(broker.port).toBe(port);
    expect(await connects(port, p)).toBe(true);
    const ev = lab.timeline.events.filter((e) => e.src === "broker" && (e.kind === "ready" || e.kind === "exit"));
    expect(ev.map((e) => e.kind)).toEqual(["ready", "exit", "ready"]);
    expect(ev[1]).toMatchObject({ broker: kind, how: "SIGKILL" });
    expect(ev[2]!.port).toBe(ev[0]!.port);
    expect(lab.broken, "a crash the lab asked for is no lab break").toBeUndefined();
  });

  for (const durable of [true, false]) {
    contract(`durable is what it claims when the scenario asks durable: ${durable} — a kept session survives a crash exactly then`, async () => {
      const f = factory({ durable });
      if (f.lacks?.persistence) expect(f.durable, "a kind that lacks persistence is not durable").toBe(false);
      if (!durable) expect(f.durable, "not durable when the scenario does not ask").toBe(false);
      const { broker } = await start({ durable });
      const p = broker.protocols.at(-1)!;
      const keep: IClientOptions = { clientId: `ct-kept-${tag()}`, clean: false, ...(p === "5" ? { properties: { sessionExpiryInterval: 3600 } } : {}) };
      const first = await connect(broker.port, p, keep);
      expect(first.connack.sessionPresent).toBe(false);
      await first.c.subscribeAsync(`ct/kept/${tag()}`, { qos: 1 });
      await first.c.endAsync();
      const again = await connect(broker.port, p, keep);
      expect(again.connack.sessionPresent, "kept before any crash").toBe(true);
      await again.c.endAsync();
      await broker.crash();
      await broker.start();
      const back = await connect(broker.port, p, keep);
      expect(back.connack.sessionPresent, `${kind} declares durable: ${broker.durable}`).toBe(broker.durable);
    });
  }

  contract("shutdown (SIGTERM) is a clean stop: connections end, the port refuses, start brings it back on the same port", async () => {
    const { lab, broker } = await start();
    const p = broker.protocols.at(-1)!;
    const { c } = await connect(broker.port, p);
    const closed = new Promise((r) => c.once("close", () => r(true)));
    await broker.shutdown();
    expect(broker.running).toBe(false);
    await within(closed, 3000, "the client's close");
    expect(await connects(broker.port, p, {}, 1000)).toBe(false);
    const exit = lab.timeline.last((e) => e.src === "broker" && e.kind === "exit");
    expect(exit).toMatchObject({ broker: kind, how: "SIGTERM" });
    await broker.start();
    expect(await connects(broker.port, p)).toBe(true);
    expect(lab.broken).toBeUndefined();
  });

  contract("freeze leaves TCP up and silent (no CONNACK, a PUBACK held); thaw answers what waited on the same connection", async () => {
    const { lab, broker } = await start();
    const p = broker.protocols.at(-1)!;
    const pid = Number(lab.timeline.last((e) => e.src === "broker" && e.kind === "ready")!.pid);
    const { c } = await connect(broker.port, p);
    let closed = false;
    c.on("close", () => (closed = true));
    await broker.freeze();
    expect(procState(pid)).toBe("T");
    let acked = false;
    const puback = c.publishAsync(`ct/frozen/${tag()}`, "waits", { qos: 1 }).then(() => (acked = true));
    expect(await connects(broker.port, p, {}, 700), "a CONNECT to a frozen broker: accepted by the kernel, never answered").toBe(false);
    expect(acked).toBe(false);
    expect(closed).toBe(false);
    await broker.thaw();
    expect(procState(pid)).not.toBe("T");
    await within(puback, 3000, "the PUBACK held by the freeze");
    expect(closed).toBe(false);
    expect(await connects(broker.port, p)).toBe(true);
  });

  for (const [feature, probe] of Object.entries(PROBES)) {
    contract(
      `${feature}: lacking exactly where its lacks table says so (measured)`,
      async () => {
        const f = factory();
        const b = await sharedBroker();
        const offered = await probe.offered(b, probe.protocol ?? f.protocols.at(-1)!);
        expect(offered, f.lacks?.[feature] ? `declared lacking: ${f.lacks[feature]}` : `${kind} does not declare it lacking`).toBe(!f.lacks?.[feature]);
      },
      { unless: () => (probe.protocol && !factory().protocols.includes(probe.protocol) ? `needs MQTT ${probe.protocol}, which ${kind} does not speak` : undefined) },
    );
  }

  contract(
    "every setting it declares takes effect, all in one start (users, limits, TLS)",
    async () => {
      const declared = factory().settings ?? [];
      const asked = Object.fromEntries(Object.entries(SETTINGS).filter(([k]) => declared.includes(k))) as typeof SETTINGS;
      const { broker } = await start({ durable: false, settings: asked }, "5");
      for (const s of declared) {
        const probe = SETTING_PROBES[s];
        expect(probe, `a probe for the declared setting ${s}`).toBeDefined();
        await probe!(broker);
      }
    },
    { unless: () => (factory().settings?.length ? undefined : `${kind} declares no settings (a scenario that needs one is skip on it)`) },
  );
});
