// The device contract: one suite, run against every device kind × client that can run here,
// holding each to what docs/agent-protocol.md promises every device (MQTT.js's
// test/node/abstract_client.ts, one suite for every transport, is the model). Real processes
// only: the real agent on its real runtime (MicroPython's unix port, Node for the MQTT.js
// reference), launched as the lab launches it, against a real mosquitto, with MQTT.js as the
// other party. No proxy, no scenario, no checker: the suite speaks the agent protocol itself.
//
// Adding a device kind (a serial or virtual board) or a client is one row in DEVICES.
// What a client legitimately cannot do is read from its manifest (fixtures/clients/<name>.json):
// a declared gap must be answered `unsupported: …`; an undeclared one may be done or refused
// that way, never faked and never left unanswered.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import mqtt, { type MqttClient } from "mqtt";
import { Lab } from "../../src/lab/lab.ts";
import { requireTools, type Toolchain } from "../../src/tools/index.ts";
import { brokerFactory } from "../../src/brokers/index.ts";
import { unixPort } from "../../src/devices/unix.ts";
import { nodeReference } from "../../src/devices/node.ts";
import { serialBoard } from "../../src/devices/serial.ts";
import { startVirtualBoard, type VirtualBoard } from "../../src/serial/virtualBoard.ts";
import type { OwnedProcess } from "../../src/lab/process.ts";
import { resolveClient } from "../../src/devices/clients.ts";
import type { DeviceKind, ResolvedClient } from "../../src/devices/device.ts";
import type { Ack, AgentChannel } from "../../src/devices/channel.ts";
import { processesUnder } from "./lab.ts";
import { promisedTiming } from "../../src/mqtt/client.ts";

type Protocol = "3.1.1" | "5";

/** One device kind with one client: how to build it, and what only some kinds have. */
interface DeviceUnderContract {
  device: string;
  client: string;
  /** A folder client (its own faraday-client.json and adapter), as --client-path names it. */
  clientPath?: string;
  make: (t: Toolchain) => DeviceKind;
  /**
   * An exception escaping the client or adapter comes out as an `error` event with its
   * traceback (the MicroPython agent). The Node reference instead reports an Error MQTT.js
   * throws as MQTT.js's own refusal, in the ack alone: its API refuses by throwing (e.g.
   * "Missing clientId for unclean clients"), as docs/agent-protocol.md says.
   */
  tracebacks: boolean;
}

const unix = (t: Toolchain) => unixPort({ micropython: t.micropython.argv, mpyCross: t.mpyCross?.path });
const DEVICES: DeviceUnderContract[] = [
  { device: "unix", client: "aiomqttc", tracebacks: true, make: unix },
  { device: "unix", client: "mqtt_as", tracebacks: true, make: unix },
  { device: "node", client: "mqttjs", tracebacks: false, make: () => nodeReference() },
  // A board over its serial port: the virtual board (a MicroPython unix process behind a
  // pseudo-terminal, raw REPL and all), started once for the file.
  { device: "serial", client: "aiomqttc", tracebacks: true, make: (t) => serialBoard({ port: virtualBoard!.port, hostAddress: "127.0.0.1", mpyCross: t.mpyCross?.path, baud: 115_200, needsMpy: false }) },
  // Not here: the deliberately broken fixtures (test/fixtures/clients/: lossy, modest,
  // spinner, stubborn). Each exists to fail one checker (broken-clients.test.ts); their shared
  // test adapter takes shortcuts this contract refuses, and a row such as
  //   { device: "unix", client: "lossy", clientPath: join(repo, "test", "fixtures", "clients", "lossy"), tracebacks: true, make: unix },
  // fails 7 items, all of them fakes: a start in MQTT 5 connects in 3.1.1, a will and a user
  // it declares unsupported are dropped, reconnect:false, properties and subscription options
  // are ignored, QoS 2 raises ValueError (an error event) instead of "unsupported: …".
];

/** A timeline event, read loosely: the suite needs only a few fields and names them. */
type Ev = { t: number; src: string; kind: string; [k: string]: unknown };

let tools: Toolchain;
let lab: Lab;
let virtualBoard: VirtualBoard | undefined;
let port: number;
let authPort: number;
let observer: MqttClient;
const USER = { name: "contract", password: "s3cret" };
type Got = { topic: string; payload: string; qos: number; retain: boolean; props: Record<string, unknown> | undefined };
const got: Got[] = [];
const gotWaiters = new Set<() => void>();

const events = (): Ev[] => lab.timeline.events as unknown as Ev[];
const from = (dev: string, kind: string) => (e: Ev) => e.src === "device" && e.device === dev && e.kind === kind;
const brokerLine = (re: RegExp) => (e: Ev) => e.src === "broker" && e.kind === "log" && re.test(String(e.line));

/** The first event matching at or after `since`, already recorded or yet to come. */
async function waitEvent(match: (e: Ev) => boolean, what: string, withinMs = 5000, since = 0): Promise<Ev> {
  const e = await lab.timeline.seenOrNext((x) => x.t >= since && match(x as unknown as Ev), { since: lab.timeline.markAt(since), within: withinMs });
  if (!e) throw new Error(`${what}: not within ${withinMs} ms`);
  return e as unknown as Ev;
}

/**
 * Send one op and wait for its ack: every op is answered (docs/agent-protocol.md), so one
 * left unanswered fails here, naming it, instead of hanging the suite.
 */
async function ask(dev: AgentChannel, op: string, fields: Record<string, unknown> = {}, withinMs = 8000): Promise<Ack> {
  const { ack } = dev.send(op, fields);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${dev.name}: op ${op} ${JSON.stringify(fields).slice(0, 120)} not answered within ${withinMs} ms`)), withinMs);
  });
  try {
    return await Promise.race([ack, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** What the observer got on `topic` with `payload`, already or within `withinMs`. */
async function observed(topic: string, payload: string, withinMs = 5000): Promise<Got> {
  const find = () => got.find((g) => g.topic === topic && g.payload === payload);
  const deadline = Date.now() + withinMs;
  for (;;) {
    const m = find();
    if (m) return m;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`the observer never got "${payload}" on ${topic} (it got: ${JSON.stringify(got.filter((g) => g.topic === topic).map((g) => g.payload))})`);
    await new Promise<void>((r) => {
      const done = () => {
        clearTimeout(timer);
        gotWaiters.delete(done);
        r();
      };
      const timer = setTimeout(done, left);
      gotWaiters.add(done);
    });
  }
}

beforeAll(async () => {
  tools = await requireTools();
  lab = new Lab("contract-device");
  // One broker for every kind (each test has its own client ids and topics), and one that
  // admits only USER, for the credentials in `start`.
  const open = await brokerFactory("mosquitto", tools, { durable: false }).start(lab, { protocol: "5" });
  const closed = await brokerFactory("mosquitto", tools, { durable: false, settings: { users: { [USER.name]: USER.password } } }).start(lab, { protocol: "5" });
  port = open.port;
  authPort = closed.port;
  observer = mqtt.connect({ host: "127.0.0.1", port, protocolVersion: 5, clientId: "contract-observer", reconnectPeriod: 200 });
  await new Promise((r) => observer.once("connect", r));
  observer.on("message", (topic, payload, packet) => {
    got.push({ topic, payload: payload.toString(), qos: packet.qos, retain: packet.retain, props: packet.properties as Record<string, unknown> | undefined });
    for (const w of [...gotWaiters]) w();
  });
  await observer.subscribeAsync("ct/#", { qos: 2 });
  virtualBoard = await startVirtualBoard(lab, { micropython: tools.micropython.argv, socat: tools.found.socat!.path, spec: { name: "generic", banner: "MicroPython on a virtual board; contract" } });
});

afterAll(async () => {
  observer?.end(true);
  const dir = lab?.dir;
  await lab?.teardown();
  if (dir) expect(processesUnder(dir)).toEqual([]);
});

describe.each(DEVICES.map((d) => [`${d.device} × ${d.client}`, d] as const))("device contract: %s", (_label, d) => {
  let kind: DeviceKind;
  let client: ResolvedClient | undefined;
  let skipWhy: string | undefined;
  let n = 0;
  /** The devices the running test launched (their events are shown when it fails). */
  const launched: string[] = [];
  const slug = `${d.device}-${d.client}`.replace(/[^A-Za-z0-9-]/g, "-");

  beforeAll(async () => {
    kind = d.make(tools);
    try {
      client = resolveClient(d.client, d.clientPath, (m) => (tools.clients as Record<string, { dir: string; version: string }>)[m]);
    } catch (err) {
      // mqtt_as lives only on GitHub: without a checkout (CI) its kind is skipped, saying why.
      skipWhy = `${d.client} cannot run here: ${(err as Error).message} (set FARADAY_CLIENT_PATH to a checkout to include it)`;
    }
  });

  const declared = (feature: string): string | undefined => client?.manifest.unsupported[feature];
  const speaks = (p: Protocol): boolean => client?.manifest.protocols.includes(p) ?? false;
  /** The newest protocol the client declares (properties and v5 probes need 5). */
  const newest = (): Protocol => (speaks("5") ? "5" : "3.1.1");

  /** A fresh device, its agent said hello; the test's own name and client-id prefix. */
  async function device(): Promise<{ dev: AgentChannel; name: string; id: string; since: number }> {
    const name = `${slug}-${++n}`;
    const since = lab.timeline.now();
    launched.push(name);
    const dev = await kind.launch(lab, { name, client: client! });
    return { dev, name, id: `ct-${name}`, since };
  }

  function cfg(id: string, protocol: Protocol, over: Record<string, unknown> = {}) {
    return {
      client_id: id,
      server: "127.0.0.1",
      port,
      keepalive: 10,
      clean: true,
      clean_init: true,
      protocol,
      session_expiry: 0,
      response_time: 3,
      subs: [],
      debug: false,
      quick: true, // mqtt_as: skip its 5 s WLAN check on the first connection; others ignore it
      ...over,
    };
  }

  /** A will on `topic`, unless the client declares it has none (then the test does without). */
  const willCfg = (topic: string) => (declared("will") ? {} : { will: { topic, payload: "gone", qos: 1, retain: false } });

  /** The broker published no will on `topic`: had it done so, it would have come before this marker. */
  async function noWill(topic: string): Promise<void> {
    await observer.publishAsync(topic, "marker", { qos: 1 });
    await observed(topic, "marker");
    expect(got.filter((g) => g.topic === topic).map((g) => g.payload), `no will on ${topic}`).toEqual(["marker"]);
  }

  /** A device that has started in `protocol` and said `up`. */
  async function connected(protocol: Protocol, over: Record<string, unknown> = {}) {
    const s = await device();
    const a = await ask(s.dev, "start", { cfg: cfg(s.id, protocol, over) });
    expect(a, `start in MQTT ${protocol}`).toMatchObject({ ok: true });
    await waitEvent(from(s.name, "up"), `${s.name} up`);
    return s;
  }

  /**
   * What every device owes on every line it writes, checked over one device's whole life:
   * one hello first; every event carries the device's clock; every op answered by exactly one
   * ack with ok, dt and (when not ok) err; every error has msg and tb; heartbeats every 500 ms.
   */
  function wellFormed(name: string): void {
    const mine = events().filter((e) => e.src === "device" && e.device === name);
    // op, exit and log are the host's records of the line; cpu the host's reading of /proc.
    const agent = mine.filter((e) => !["op", "exit", "log", "cpu"].includes(e.kind));
    expect(agent[0]?.kind, `${name}: the first event`).toBe("hello");
    expect(agent.filter((e) => e.kind === "hello")).toHaveLength(1);
    for (const e of agent) expect(typeof e.dt_dev, `${name}: ${e.kind} carries the device clock t`).toBe("number");
    // `ev` first, valid JSON: otherwise the line would have been taken for client output.
    expect(mine.filter((e) => e.kind === "log" && (e.note !== undefined || /^\s*\{.*"ev"\s*:/.test(String(e.line))))).toEqual([]);
    const ops = mine.filter((e) => e.kind === "op");
    const exited = mine.find((e) => e.kind === "exit");
    for (const op of ops) {
      const acks = mine.filter((e) => e.kind === "ack" && e.id === op.id);
      if (acks.length === 0 && exited) continue; // the device went away with the op pending
      expect(acks, `${name}: op ${String(op.op)} #${String(op.id)} answered once`).toHaveLength(1);
      const a = acks[0]!;
      expect(typeof a.ok).toBe("boolean");
      expect(typeof a.dt, `${name}: ${String(op.op)} ack dt`).toBe("number");
      if (!a.ok) expect(typeof a.err === "string" && a.err.length > 0, `${name}: ${String(op.op)} refused with a reason`).toBe(true);
    }
    for (const e of mine.filter((x) => x.kind === "error")) {
      expect(typeof e.msg, `${name}: error msg`).toBe("string");
      expect(typeof e.tb, `${name}: error tb`).toBe("string");
    }
    const beats = agent.filter((e) => e.kind === "hb").map((e) => e.dt_dev as number);
    for (let i = 1; i < beats.length; i++) {
      const gap = beats[i]! - beats[i - 1]!;
      expect(gap, `${name}: heartbeat gap`).toBeGreaterThanOrEqual(400);
      expect(gap, `${name}: heartbeat gap`).toBeLessThanOrEqual(2000); // noBusyLoop's bound
    }
    // Every heartbeat carries the idle counter (a board's CPU budget): it never goes back and
    // never counts more waiting than the device's own clock advanced (+2 ms of rounding).
    const counted = agent.filter((e) => e.kind === "hb");
    for (const e of counted) expect(typeof e.idleMs, `${name}: hb carries idleMs`).toBe("number");
    for (let i = 1; i < counted.length; i++) {
      const waited = (counted[i]!.idleMs as number) - (counted[i - 1]!.idleMs as number);
      expect(waited, `${name}: idle counter never goes back`).toBeGreaterThanOrEqual(0);
      expect(waited, `${name}: idle counter within the clock's advance`).toBeLessThanOrEqual((counted[i]!.dt_dev as number) - (counted[i - 1]!.dt_dev as number) + 2);
    }
  }

  /**
   * One contract item. The devices it launched are then held, over their whole lives, to
   * `wellFormed`; `unless` says why the item does not apply to this kind (a skip, said).
   */
  const contract = (title: string, fn: (s: { since: number }) => Promise<void>, o: { unless?: () => string | undefined; timeout?: number } = {}) =>
    it(
      title,
      async (ctx) => {
        const why = skipWhy ?? o.unless?.();
        if (why) return ctx.skip(why);
        const since = lab.timeline.now();
        launched.length = 0;
        try {
          await fn({ since });
          for (const name of launched) wellFormed(name);
        } catch (err) {
          // What the devices and the broker said meanwhile: the evidence, beside the failure.
          const shown = events().filter((e) => e.t >= since && e.kind !== "hb" && (launched.includes(String(e.device)) || (e.src === "broker" && launched.some((l) => String(e.line ?? e.client).includes(l)))));
          console.log(`${title}\n${shown.map((e) => `  ${e.t} ${JSON.stringify(e)}`).join("\n")}`);
          throw err;
        }
      },
      o.timeout,
    );

  contract("hello: once, first, naming the client, its version, the protocols its manifest declares, the runtime and its free heap; then a heartbeat every 500 ms", async () => {
    const { dev, name } = await device();
    const hello = await waitEvent(from(name, "hello"), "hello");
    expect(hello).toMatchObject({ client: expect.any(String), version: expect.any(String), impl: expect.any(String), free: expect.any(Number) });
    expect(dev.hello).toBeDefined();
    expect([...(hello.protocols as string[])].sort()).toEqual([...client!.manifest.protocols].sort());
    // Two beats (wellFormed holds every gap to 400–2000 ms, the device's own clock).
    await waitEvent((e) => from(name, "hb")(e) && events().filter(from(name, "hb")).length >= 2, "two heartbeats", 3000);
    expect((await ask(dev, "stop")).ok).toBe(true);
  });

  for (const protocol of ["3.1.1", "5"] as const) {
    contract(`MQTT ${protocol}: start → up and a real CONNECT; subs → subscribed; publish QoS 0/1 → ack (ok, dt) and delivery; subscribe → subscribed, msg; unsubscribe`, async () => {
      const { dev, name, id, since } = await device();
      const base = `ct/${name}`;
      const start = await ask(dev, "start", { cfg: cfg(id, protocol, { subs: [[`${base}/sub0`, 1]] }) });
      expect(start).toMatchObject({ ok: true, dt: expect.any(Number) });
      const up = await waitEvent(from(name, "up"), "up");
      const connack = await waitEvent((e) => e.src === "broker" && e.kind === "connack" && e.client === id, "the broker's CONNACK");
      expect(connack).toMatchObject({ protocol: protocol === "5" ? 5 : 2, reason: 0, sessionPresent: false });
      // Each field of `up` only when the client exposes it, and then as the broker said it.
      if ("session_present" in up) expect(up.session_present).toBe(false);
      if ("reason" in up) expect(up.reason).toBe(0);
      // The application's subs are renewed on up, and confirmed.
      await waitEvent((e) => from(name, "subscribed")(e) && e.topic === `${base}/sub0`, "subscribed (cfg subs)");

      for (const qos of [0, 1]) {
        const a = await ask(dev, "publish", { topic: `${base}/out`, payload: `q${qos}`, qos, retain: false, props: {} });
        expect(a, `publish QoS ${qos}`).toMatchObject({ ok: true, dt: expect.any(Number) });
        expect(a.dt!).toBeGreaterThanOrEqual(0);
        if (a.reason !== undefined) expect(a.reason, "the PUBACK's reason code, when exposed").toBe(0);
        expect(await observed(`${base}/out`, `q${qos}`)).toMatchObject({ qos, retain: false });
      }

      const sub = await ask(dev, "subscribe", { topic: `${base}/in`, qos: 1, props: {} });
      expect(sub).toMatchObject({ ok: true });
      if (sub.granted !== undefined) expect(sub.granted, "the SUBACK's codes, when exposed").toEqual([1]);
      await waitEvent((e) => from(name, "subscribed")(e) && e.topic === `${base}/in`, "subscribed (op)");
      await observer.publishAsync(`${base}/in`, "to-device", { qos: 1 });
      const msg = await waitEvent((e) => from(name, "msg")(e) && e.payload === "to-device", "msg");
      expect(msg).toMatchObject({ topic: `${base}/in`, payload: "to-device" });
      expect(Boolean(msg.retained)).toBe(false); // aiomqttc hands the flag bit over as an int
      if ("qos" in msg) expect(msg.qos).toBe(1);
      if ("dup" in msg) expect(msg.dup).toBe(false);

      // Unsubscribe: what follows on that topic never arrives; a marker on the kept
      // subscription, published after it, proves the broker has routed past it.
      expect(await ask(dev, "unsubscribe", { topic: `${base}/in` })).toMatchObject({ ok: true });
      await waitEvent(brokerLine(new RegExp(`Received UNSUBSCRIBE from ${id}\\b`)), "UNSUBSCRIBE at the broker", 5000, since);
      await observer.publishAsync(`${base}/in`, "after-unsubscribe", { qos: 1 });
      await observer.publishAsync(`${base}/sub0`, "marker", { qos: 1 });
      await waitEvent((e) => from(name, "msg")(e) && e.payload === "marker", "marker");
      expect(events().filter(from(name, "msg")).map((e) => e.payload)).toEqual(["to-device", "marker"]);

      expect(events().filter(from(name, "error"))).toEqual([]);
      expect((await ask(dev, "stop")).ok).toBe(true);
    }, { unless: () => (speaks(protocol) ? undefined : `${d.client} declares no MQTT ${protocol}`) });
  }

  contract("stats → a mem event (free, alloc) before its ack", async () => {
    const { dev, name } = await connected(newest());
    const a = await ask(dev, "stats");
    expect(a.ok).toBe(true);
    const ackAt = events().find((e) => from(name, "ack")(e) && e.id === a.id)!;
    const mem = events().filter(from(name, "mem"));
    expect(mem).toHaveLength(1);
    expect(mem[0]).toMatchObject({ free: expect.any(Number), alloc: expect.any(Number) });
    expect(events().indexOf(mem[0]!)).toBeLessThan(events().indexOf(ackAt));
    expect((await ask(dev, "stop")).ok).toBe(true);
  });

  contract("stop: a clean DISCONNECT (the will is discarded), the ack, then exit 0", async ({ since }) => {
    const topic = `ct/${slug}-stop-${n + 1}/will`;
    const { dev, name, id } = await connected(newest(), willCfg(topic));
    expect((await ask(dev, "stop")).ok).toBe(true);
    expect(await dev.proc.exited).toEqual({ code: 0, signal: null });
    await waitEvent(brokerLine(new RegExp(`Received DISCONNECT from ${id}\\b`)), "DISCONNECT at the broker", 3000, since);
    await noWill(topic);
  });

  contract("a will (feature will): published by the broker on an abrupt loss (the lab kills the device process), or start refused unsupported:", async () => {
    const { dev, name, id, since } = await device();
    const topic = `ct/${name}/will`;
    const a = await ask(dev, "start", { cfg: cfg(id, newest(), { will: { topic, payload: "gone", qos: 1, retain: false } }) });
    if (declared("will")) {
      saidUnsupported(name, a, since, "start with a will");
      return;
    }
    expect(a).toMatchObject({ ok: true });
    await waitEvent(from(name, "up"), "up");
    await dev.proc.kill();
    expect(await observed(topic, "gone")).toMatchObject({ qos: 1, retain: false });
  });

  contract(
    "end of input acts as stop without the ack: the agent exits by itself",
    async () => {
      const { dev } = await connected(newest());
      (dev.proc as OwnedProcess).child.stdin!.end();
      const exit = await Promise.race([dev.proc.exited, new Promise<undefined>((r) => setTimeout(r, 5000, undefined))]);
      expect(exit, "exited within 5 s of its stdin closing").toEqual({ code: 0, signal: null });
    },
    { unless: () => (d.device === "serial" ? "a serial port has no end of input: the host ends a board's agent with stop, or an interrupt" : undefined) },
  );

  contract("a line that is not JSON gets an error event (msg, tb) and no ack; the agent carries on", async () => {
    const { dev, name } = await device();
    const since = lab.timeline.now();
    dev.proc.write("this is not json");
    const err = await waitEvent(from(name, "error"), "error event", 5000, since);
    expect(err).toMatchObject({ msg: expect.any(String), tb: expect.any(String) });
    expect((await ask(dev, "stats")).ok).toBe(true);
    expect(events().filter((e) => from(name, "ack")(e) && e.t >= since)).toHaveLength(1); // the stats ack only
    expect((await ask(dev, "stop")).ok).toBe(true);
  });

  contract("an unknown op is answered ok:false with a reason, never left unanswered", async () => {
    const { dev, name } = await device();
    const a = await ask(dev, "teleport", { where: "mars" });
    expect(a).toMatchObject({ ok: false, err: expect.stringMatching(/teleport/) });
    expect((await ask(dev, "stop")).ok).toBe(true);
  });

  contract("an exception escaping the client or adapter: ack ok:false, and an error event with its traceback (where the kind reports one)", async () => {
    const { dev, name } = await connected(newest());
    const since = lab.timeline.now();
    // An unsubscribe without its topic: the agent or the client fails in its own code.
    const a = await ask(dev, "unsubscribe", {});
    expect(a).toMatchObject({ ok: false, err: expect.any(String) });
    if (d.tracebacks) {
      const err = await waitEvent(from(name, "error"), "error event", 2000, since);
      expect(err).toMatchObject({ msg: a.err, tb: expect.stringMatching(/Traceback/) });
      expect(events().indexOf(err)).toBeLessThan(events().findIndex((e) => from(name, "ack")(e) && e.id === a.id));
    } else {
      expect(events().filter((e) => from(name, "error")(e) && e.t >= since)).toEqual([]);
    }
    // The agent carries on.
    expect((await ask(dev, "stats")).ok).toBe(true);
    expect((await ask(dev, "stop")).ok).toBe(true);
  });

  contract("wifi: down and up are acked ok at once (the lab's AP loss needs both); the agent keeps answering", async () => {
    const { dev, name } = await connected(newest());
    for (const up of [false, true]) {
      const a = await ask(dev, "wifi", { up });
      expect(a, `wifi ${up ? "up" : "down"}`).toMatchObject({ ok: true });
      expect(a.dt!).toBeLessThan(1000);
    }
    expect((await ask(dev, "stats")).ok).toBe(true);
    expect((await ask(dev, "stop")).ok).toBe(true);
  });

  contract("disconnect (optional): a clean DISCONNECT, down, no reconnect, ops refused, a second disconnect is harmless, a new start connects again", async ({ since }) => {
    const base = `ct/${slug}-disc-${n + 1}`;
    const { dev, name, id } = await connected(newest(), willCfg(`${base}/will`));
    const d1 = await ask(dev, "disconnect", {});
    if (!d1.ok) {
      // An adapter without disconnect says so (docs/agent-protocol.md, Adapters).
      saidUnsupported(name, d1, since, "disconnect");
      expect((await ask(dev, "stop")).ok).toBe(true);
      return;
    }
    await waitEvent(brokerLine(new RegExp(`Received DISCONNECT from ${id}\\b`)), "DISCONNECT at the broker", 3000, since);
    await waitEvent(from(name, "down"), "down after disconnect", 3000, since);
    const off = lab.timeline.now();
    const refused = await ask(dev, "publish", { topic: `${base}/out`, payload: "while off", qos: 1, retain: false, props: {} });
    expect(refused.ok).toBe(false);
    expect((await ask(dev, "disconnect", {})).ok).toBe(true);
    expect(dev.running).toBe(true);

    const again = await ask(dev, "start", { cfg: cfg(`${id}-2`, newest()) });
    expect(again).toMatchObject({ ok: true });
    await waitEvent((e) => from(name, "up")(e) && e.t > off, "up after the new start");
    expect((await ask(dev, "publish", { topic: `${base}/out`, payload: "back", qos: 1, retain: false, props: {} })).ok).toBe(true);
    await observed(`${base}/out`, "back");
    await noWill(`${base}/will`);
    expect(got.filter((g) => g.topic === `${base}/out`).map((g) => g.payload)).toEqual(["back"]);
    // The first client never came back by itself.
    expect(events().filter((e) => e.src === "broker" && e.kind === "connack" && e.client === id)).toHaveLength(1);
    expect((await ask(dev, "stop")).ok).toBe(true);
  });

  contract(
    "reconnect:false — a lost connection (taken over) is reported down and stays down; ops are refused",
    async ({ since }) => {
      const keepalive = 2;
      const t = promisedTiming(client!.manifest);
      const { dev, name, id } = await connected(newest(), { reconnect: false, keepalive });
      // Another client takes the client id over: the broker closes the device's connection.
      // Had the device reconnected, it would in turn have closed the taker's.
      const taker = mqtt.connect({ host: "127.0.0.1", port, protocolVersion: newest() === "5" ? 5 : 4, clientId: id, reconnectPeriod: 0 });
      const takerClosed = new Promise<boolean>((r) => taker.once("close", () => r(true)));
      await new Promise((r) => taker.once("connect", r));
      // Some clients notice a peer's FIN only when their keepalive fails (docs/findings.md 14):
      // the bound is the one detectsOutageWithin holds them to.
      const detectMs = t.outageDetection * keepalive * 1000 + 2000;
      await waitEvent(from(name, "down"), "down after the takeover", detectMs, since);
      const cycleMs = (t.reconnectDelay + t.wifiStableWait) * 1000 + 1500;
      const back = await Promise.race([takerClosed, new Promise<boolean>((r) => setTimeout(r, cycleMs, false))]);
      taker.end(true);
      expect(back, `no reconnect within one reconnect cycle (${cycleMs} ms)`).toBe(false);
      const p = await ask(dev, "publish", { topic: `ct/${name}/norec`, payload: "x", qos: 1, retain: false, props: {} });
      expect(p.ok).toBe(false);
      expect((await ask(dev, "stop")).ok).toBe(true);
    },
    { timeout: 30_000 },
  );

  contract("user and password (feature auth) travel in the CONNECT: the right pair is admitted, a wrong one refused (ok:false), and start may be tried again", async ({ since }) => {
    const { dev, name, id } = await device();
    const wrong = await ask(dev, "start", { cfg: cfg(id, newest(), { port: authPort, user: USER.name, password: "wrong" }) });
    if (declared("auth")) {
      saidUnsupported(name, wrong, since, "start with user and password");
      return;
    }
    expect(wrong.ok).toBe(false);
    const right = await ask(dev, "start", { cfg: cfg(id, newest(), { port: authPort, user: USER.name, password: USER.password }) });
    expect(right).toMatchObject({ ok: true });
    await waitEvent((e) => e.src === "broker" && e.kind === "connack" && e.client === id && e.reason === 0, "admitted", 3000, since);
    expect((await ask(dev, "stop")).ok).toBe(true);
  });

  // ---- Unsupported is said, never faked ------------------------------------------------------
  // Each probe: an operation some client cannot do as asked. Declared in the manifest → the
  // answer must be `unsupported: …` (ok:false, no error event, nothing on the wire). Not
  // declared → done for real (verified), or refused that same way.

  /** A refusal as the protocol wants it: said before the client is touched. */
  function saidUnsupported(name: string, a: { ok: boolean; err?: string }, since: number, what: string): void {
    expect(a, what).toMatchObject({ ok: false, err: expect.stringMatching(/^unsupported: /) });
    expect(events().filter((e) => from(name, "error")(e) && e.t >= since), `${what}: no error event`).toEqual([]);
  }

  contract("a protocol the manifest does not declare is refused unsupported: at start, with no CONNECT sent", async () => {
    const missing = (["3.1.1", "5"] as const).filter((p) => !speaks(p));
    for (const p of missing) {
      const { dev, name, id, since } = await device();
      saidUnsupported(name, await ask(dev, "start", { cfg: cfg(id, p) }), since, `start in MQTT ${p}`);
      expect(events().filter((e) => brokerLine(new RegExp(`as ${id}\\b`))(e))).toEqual([]);
      // Still usable after a refused start.
      expect(await ask(dev, "start", { cfg: cfg(id, newest()) })).toMatchObject({ ok: true });
      expect((await ask(dev, "stop")).ok).toBe(true);
    }
  }, { unless: () => (client!.manifest.protocols.length === 2 ? `${d.client} declares every protocol` : undefined) });

  contract("QoS 2 (feature qos2): a publish and a subscribe are done for real or refused unsupported:", async () => {
    const { dev, name } = await connected(newest());
    const since = lab.timeline.now();
    const topic = `ct/${name}/q2`;
    const p = await ask(dev, "publish", { topic, payload: "two", qos: 2, retain: false, props: {} });
    const s = await ask(dev, "subscribe", { topic: `${topic}/in`, qos: 2, props: {} });
    if (declared("qos2") || !p.ok) {
      expect(declared("qos2"), `refused, so the manifest must declare qos2 (${p.err})`).toBeDefined();
      saidUnsupported(name, p, since, "publish QoS 2");
      saidUnsupported(name, s, since, "subscribe QoS 2");
      await observer.publishAsync(topic, "marker", { qos: 1 });
      await observed(topic, "marker");
      expect(got.filter((g) => g.topic === topic).map((g) => g.payload)).toEqual(["marker"]);
    } else {
      expect(await observed(topic, "two")).toMatchObject({ qos: 2 });
      expect(s.ok).toBe(true);
    }
    expect((await ask(dev, "stop")).ok).toBe(true);
  });

  contract("properties on an MQTT 3.1.1 connection are refused unsupported: (an empty props object is no properties)", async () => {
    const { dev, name } = await connected("3.1.1");
    const since = lab.timeline.now();
    const topic = `ct/${name}/props`;
    saidUnsupported(name, await ask(dev, "publish", { topic, payload: "p", qos: 1, retain: false, props: { contentType: "text/plain" } }), since, "publish with props");
    saidUnsupported(name, await ask(dev, "subscribe", { topic: `${topic}/in`, qos: 1, props: { subscriptionIdentifier: 7 } }), since, "subscribe with props");
    expect((await ask(dev, "publish", { topic, payload: "empty", qos: 1, retain: false, props: {} })).ok).toBe(true);
    await observed(topic, "empty");
    expect(got.filter((g) => g.topic === topic).map((g) => g.payload)).toEqual(["empty"]);
    expect((await ask(dev, "stop")).ok).toBe(true);
  }, { unless: () => (speaks("3.1.1") ? undefined : `${d.client} declares no MQTT 3.1.1`) });

  contract("subscription options (feature subscription-options): set for real or refused unsupported:; all-default options are no options", async () => {
    const { dev, name } = await connected(newest());
    const since = lab.timeline.now();
    const topic = `ct/${name}/nl`;
    const a = await ask(dev, "subscribe", { topic, qos: 1, props: {}, opts: { nl: true } });
    if (declared("subscription-options") || newest() === "3.1.1" || !a.ok) {
      if (newest() === "5") expect(declared("subscription-options"), `refused, so the manifest must declare subscription-options (${a.err})`).toBeDefined();
      saidUnsupported(name, a, since, "subscribe with No Local");
      expect(events().filter((e) => from(name, "subscribed")(e) && e.topic === topic)).toEqual([]);
    } else {
      // No Local for real: the device's own publish does not come back; the observer's does.
      await waitEvent((e) => from(name, "subscribed")(e) && e.topic === topic, "subscribed");
      expect((await ask(dev, "publish", { topic, payload: "own", qos: 1, retain: false, props: {} })).ok).toBe(true);
      await observed(topic, "own");
      await observer.publishAsync(topic, "theirs", { qos: 1 });
      await waitEvent((e) => from(name, "msg")(e) && e.payload === "theirs", "the observer's message");
      expect(events().filter((e) => from(name, "msg")(e) && e.topic === topic).map((e) => e.payload)).toEqual(["theirs"]);
    }
    expect((await ask(dev, "subscribe", { topic: `${topic}/d`, qos: 1, props: {}, opts: { nl: false, rap: false, rh: 0 } })).ok).toBe(true);
    expect((await ask(dev, "stop")).ok).toBe(true);
  });

  contract("MQTT 5 user properties, two pairs (feature multiple-user-properties): both sent, or refused unsupported:", async () => {
    const { dev, name } = await connected("5");
    const since = lab.timeline.now();
    const topic = `ct/${name}/up2`;
    const a = await ask(dev, "publish", { topic, payload: "two", qos: 1, retain: false, props: { userProperties: { a: "1", b: "2" } } });
    if (declared("multiple-user-properties") || !a.ok) {
      expect(declared("multiple-user-properties"), `refused, so the manifest must declare multiple-user-properties (${a.err})`).toBeDefined();
      saidUnsupported(name, a, since, "publish with two user properties");
      await observer.publishAsync(topic, "marker", { qos: 1 });
      await observed(topic, "marker");
      expect(got.filter((g) => g.topic === topic).map((g) => g.payload)).toEqual(["marker"]);
    } else {
      expect((await observed(topic, "two")).props?.userProperties).toEqual({ a: "1", b: "2" });
    }
    expect((await ask(dev, "stop")).ok).toBe(true);
  }, { unless: () => (speaks("5") ? undefined : `${d.client} declares no MQTT 5`) });

  contract("MQTT 5 will properties (feature will-properties): the will carries them, or start is refused unsupported:", async () => {
    const { dev, name, id, since } = await device();
    const topic = `ct/${name}/will`;
    const will = { topic, payload: "gone", qos: 1, retain: false, props: { contentType: "text/plain" } };
    const a = await ask(dev, "start", { cfg: cfg(id, "5", { will }) });
    if (declared("will-properties") || !a.ok) {
      expect(declared("will-properties"), `refused, so the manifest must declare will-properties (${a.err})`).toBeDefined();
      saidUnsupported(name, a, since, "start with will properties");
      expect(events().filter((e) => brokerLine(new RegExp(`as ${id}\\b`))(e))).toEqual([]);
      expect((await ask(dev, "stop")).ok).toBe(true);
    } else {
      await waitEvent(from(name, "up"), "up");
      await dev.proc.kill();
      expect((await observed(topic, "gone")).props?.contentType).toBe("text/plain");
    }
  }, { unless: () => (speaks("5") ? undefined : `${d.client} declares no MQTT 5`) });
});
