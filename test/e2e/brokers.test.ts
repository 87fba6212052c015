// Every local broker kind, started for real in a Lab, through the one shape faults use:
// QoS 1 end to end in each protocol it declares, crash (connections drop, the same port comes
// back, sessions survive exactly when it says it is durable), freeze and thaw. And the container
// kinds on a machine without Docker: skipped with a reason, quickly, with nothing started.
import { join } from "node:path";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { BrokerUnavailable, mqttConnects, procStateOf, type Protocol, type RunningBroker } from "../../src/brokers/broker.ts";
import { dockerEngine } from "../../src/brokers/container.ts";
import { brokerFactory, containerBrokerKinds, localBrokerKinds } from "../../src/brokers/index.ts";
import { Lab } from "../../src/lab/lab.ts";
import { requireTools, type Toolchain } from "../../src/tools/index.ts";
import { faraday, privateTmp, processesUnder, readResults } from "./lab.ts";

let tools: Toolchain;
beforeAll(async () => {
  tools = await requireTools();
});

const labs: Lab[] = [];
const clients: MqttClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.end(true);
  await Promise.all(labs.splice(0).map((l) => l.teardown()));
});

async function startBroker(kind: string, protocol: Protocol): Promise<{ lab: Lab; broker: RunningBroker } | string> {
  const f = brokerFactory(kind, tools, { durable: true });
  const why = await f.unavailable?.();
  if (why) return why;
  const lab = new Lab(`e2e-brokers-${kind}`);
  labs.push(lab);
  return { lab, broker: await f.start(lab, { protocol }) };
}

function connect(port: number, protocol: Protocol, opts: IClientOptions = {}): Promise<{ c: MqttClient; sessionPresent: boolean }> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect({
      host: "127.0.0.1",
      port,
      protocolVersion: protocol === "5" ? 5 : 4,
      reconnectPeriod: 0,
      connectTimeout: 2000,
      clientId: `e2e-${Math.random().toString(16).slice(2, 10)}`,
      ...opts,
    });
    clients.push(c);
    c.once("connect", (ack) => resolve({ c, sessionPresent: ack.sessionPresent }));
    c.once("error", reject);
  });
}

/** QoS 1 from one client to another through the broker; resolves with what arrived. */
async function roundTrip(port: number, protocol: Protocol, topic: string, payload: string): Promise<{ topic: string; payload: string; qos: number }> {
  const { c: sub } = await connect(port, protocol);
  const got = new Promise<{ topic: string; payload: string; qos: number }>((resolve) =>
    sub.on("message", (t, p, pkt) => resolve({ topic: t, payload: p.toString(), qos: pkt.qos })),
  );
  await sub.subscribeAsync(topic, { qos: 1 });
  const { c: pub } = await connect(port, protocol);
  await pub.publishAsync(topic, payload, { qos: 1 });
  return withTimeout(got, 3000, `the QoS 1 message on ${topic}`);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not arrive within ${ms} ms`)), ms))]);
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(localBrokerKinds())("local broker %s", (kind) => {
  const spec = () => brokerFactory(kind, tools, { durable: true });

  for (const protocol of ["3.1.1", "5"] as const) {
    it(`carries QoS 1 from one client to another in MQTT ${protocol} (when it speaks it)`, async (ctx) => {
      if (!spec().protocols.includes(protocol)) return ctx.skip(`${kind} does not speak MQTT ${protocol}`);
      const s = await startBroker(kind, protocol);
      if (typeof s === "string") return ctx.skip(s);
      const topic = `e2e/${kind}/${protocol}`;
      expect(await roundTrip(s.broker.port, protocol, topic, "hello")).toEqual({ topic, payload: "hello", qos: 1 });
    });
  }

  it("crash drops every connection at once; start brings it back on the same port; a kept session survives exactly when it is durable", async (ctx) => {
    const protocol = spec().protocols.at(-1)!;
    const s = await startBroker(kind, protocol);
    if (typeof s === "string") return ctx.skip(s);
    const { lab, broker } = s;
    const port = broker.port;
    const keep: IClientOptions = { clientId: `e2e-kept-${kind}`, clean: false, ...(protocol === "5" ? { properties: { sessionExpiryInterval: 3600 } } : {}) };

    // A kept session: subscribed, then away. Before any crash the broker remembers it.
    const first = await connect(port, protocol, keep);
    expect(first.sessionPresent).toBe(false);
    await first.c.subscribeAsync(`e2e/${kind}/kept`, { qos: 1 });
    await first.c.endAsync();
    const again = await connect(port, protocol, keep);
    expect(again.sessionPresent).toBe(true);
    await again.c.endAsync();

    const { c } = await connect(port, protocol);
    const closed = new Promise<number>((r) => c.once("close", () => r(Date.now())));
    const t0 = Date.now();
    await broker.crash();
    expect(broker.running).toBe(false);
    expect((await withTimeout(closed, 1000, "the client's close")) - t0).toBeLessThan(1000);
    expect(await mqttConnects(port, protocol)).toBe(false);

    await broker.start();
    expect(broker.running).toBe(true);
    expect(broker.port).toBe(port);
    const back = await connect(port, protocol, keep);
    expect(back.sessionPresent, `${kind} declares durable: ${broker.durable}`).toBe(broker.durable);
    await back.c.endAsync();
    expect(await roundTrip(port, protocol, `e2e/${kind}/after-crash`, "again")).toMatchObject({ payload: "again" });

    const ev = lab.timeline.events.filter((e) => e.src === "broker" && (e.kind === "ready" || e.kind === "exit"));
    expect(ev.map((e) => e.kind)).toEqual(["ready", "exit", "ready"]);
    expect(ev[1]).toMatchObject({ broker: kind, how: "SIGKILL" });
    expect(ev[0]!.port).toBe(ev[2]!.port);
  });

  it("freeze leaves TCP up and silent; thaw answers what waited", async (ctx) => {
    const protocol = spec().protocols.at(-1)!;
    const s = await startBroker(kind, protocol);
    if (typeof s === "string") return ctx.skip(s);
    const { lab, broker } = s;
    const pid = Number(lab.timeline.last((e) => e.src === "broker" && e.kind === "ready")!.pid);
    const { c } = await connect(broker.port, protocol);
    let closed = false;
    c.on("close", () => (closed = true));

    await broker.freeze();
    expect(procStateOf(pid)).toBe("T");
    let acked = false;
    const puback = c.publishAsync(`e2e/${kind}/frozen`, "waits", { qos: 1 }).then(() => (acked = true));
    expect(await mqttConnects(broker.port, protocol, 700)).toBe(false); // accepted by the kernel, never answered
    await wait(300);
    expect(acked).toBe(false);
    expect(closed).toBe(false);

    await broker.thaw();
    expect(procStateOf(pid)).not.toBe("T");
    await withTimeout(puback, 2000, "the PUBACK held by the freeze");
    expect(closed).toBe(false);
    expect(await mqttConnects(broker.port, protocol)).toBe(true);
  });
});

describe("container brokers on a machine without a Docker engine", () => {
  it("are unavailable with the reason in well under 2 s, and starting one starts nothing", async (ctx) => {
    if ((await dockerEngine()).ok) return ctx.skip("a Docker engine answers here");
    for (const kind of containerBrokerKinds()) {
      const f = brokerFactory(kind, tools, { durable: true });
      const t0 = Date.now();
      const why = await f.unavailable!();
      expect(Date.now() - t0, kind).toBeLessThan(2000);
      expect(why, kind).toMatch(/^no Docker engine here \(/);
      const lab = new Lab(`e2e-container-${kind}`);
      labs.push(lab);
      await expect(f.start(lab, { protocol: "5" })).rejects.toBeInstanceOf(BrokerUnavailable);
      expect(lab.timeline.events, kind).toEqual([]);
      expect(processesUnder(lab.dir), kind).toEqual([]);
    }
  });

  it("make a run `skip` with that reason, never `error` or `fail`", async (ctx) => {
    if ((await dockerEngine()).ok) return ctx.skip("a Docker engine answers here");
    const tmp = privateTmp();
    const out = join(tmp, "reports");
    const t0 = Date.now();
    const r = faraday(["run", "broker-crash", "--device", "node", "--broker", "emqx", "--protocol", "5", "--out", out], { tmp, timeoutMs: 60_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const [run] = readResults(out).runs;
    expect(run).toMatchObject({ verdict: "skip" });
    expect(run!.reason).toMatch(/emqx cannot run here: no Docker engine here/);
    expect(processesUnder(tmp)).toEqual([]);
    console.log(`--broker emqx without Docker: skip in ${Date.now() - t0} ms (whole CLI)`);
  });
});
