import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createTcpServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { aedesConnackReader, mosquittoProtocolNumber } from "../../src/brokers/aedes.ts";
import { BrokerUnavailable } from "../../src/brokers/broker.ts";
import { probeDockerEngine } from "../../src/brokers/container.ts";
import { brokerFactory, brokerKinds, brokerTool, containerBrokerKinds, defaultBroker, localBrokerKinds } from "../../src/brokers/index.ts";
import { MOCHI_MISSING, mochi, mochiArgs } from "../../src/brokers/mochi.ts";
import { mosquittoContainerConf } from "../../src/brokers/mosquittoContainer.ts";
import { goInstallArgs, parseBuildInfo } from "../../src/tools/mochi.ts";
import { Lab } from "../../src/lab/lab.ts";

const tools = { found: { mosquitto: { path: "/usr/sbin/mosquitto" }, "mochi-mqtt": { path: "/nonexistent/mochi-mqtt" } } };

describe("broker kinds", () => {
  it("registers every kind, the default first, local ones before the container ones", () => {
    expect(brokerKinds()[0]).toBe("mosquitto");
    expect(defaultBroker).toBe("mosquitto");
    expect(brokerKinds()).toEqual([...localBrokerKinds(), ...containerBrokerKinds()]);
    expect(localBrokerKinds()).toEqual(expect.arrayContaining(["mosquitto", "mochi", "aedes"]));
    expect(containerBrokerKinds()).toEqual(expect.arrayContaining(["emqx", "hivemq", "mosquitto-container"]));
    expect(brokerTool("mochi")).toBe("mochi-mqtt");
    expect(brokerTool("aedes")).toBeUndefined();
    for (const kind of brokerKinds()) expect(brokerFactory(kind, tools, { durable: true }).kind).toBe(kind);
    expect(() => brokerFactory("rabbit", tools, { durable: true })).toThrow(/unknown broker "rabbit"/);
  });

  it("declares protocols and durability honestly", () => {
    const f = (k: string, durable = true) => brokerFactory(k, tools, { durable });
    expect(f("aedes").protocols).toEqual(["3.1.1"]);
    for (const k of ["mosquitto", "mochi", "emqx", "hivemq", "mosquitto-container"]) expect(f(k).protocols).toEqual(["3.1.1", "5"]);
    // Only the mosquitto configurations follow the scenario; the others are what they are.
    for (const k of ["mosquitto", "mosquitto-container"]) expect([f(k, true).durable, f(k, false).durable]).toEqual([true, false]);
    for (const k of ["mochi", "aedes", "emqx", "hivemq"]) expect([f(k, true).durable, f(k, false).durable]).toEqual([false, false]);
  });

  it("every lack carries a reason, and a kind that is not durable says why under persistence", () => {
    for (const kind of brokerKinds().filter((k) => k !== "mosquitto")) {
      const lacks = brokerFactory(kind, tools, { durable: true }).lacks ?? {};
      expect(Object.keys(lacks).length, kind).toBeGreaterThan(0);
      for (const [id, why] of Object.entries(lacks)) {
        expect(id, kind).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(why.length, `${kind} ${id}`).toBeGreaterThan(40);
      }
    }
    expect(Object.keys(brokerFactory("aedes", tools, { durable: true }).lacks!)).toEqual(
      expect.arrayContaining(["mqtt5", "shared-subscriptions", "persistence"]),
    );
    expect(brokerFactory("mochi", tools, { durable: true }).lacks!.persistence).toMatch(/storage hook/);
  });
});

describe("aedes CONNACK lines", () => {
  it("become the broker's word on a CONNECT, in mosquitto's protocol numbering", () => {
    const r = aedesConnackReader();
    expect(r.feed('CONNECT from 127.0.0.1:41850 client "dev1" (p4, c0, k6)')).toBeUndefined();
    expect(r.feed('CONNACK to "dev1" (p4, c0, k6) session present 1, return code 0')).toEqual({
      client: "dev1",
      protocol: 2,
      cleanStart: false,
      sessionPresent: true,
      reason: 0,
    });
    expect(r.feed('CONNACK to "v5 \\"odd\\" id" (p5, c1, k60) session present 0, return code 1')).toEqual({
      client: 'v5 "odd" id',
      protocol: 5,
      cleanStart: true,
      sessionPresent: false,
      reason: 1,
    });
    expect(r.feed("aedes 1.2.0 listening on 127.0.0.1:1883")).toBeUndefined();
    expect(r.feed('DISCONNECT "dev1"')).toBeUndefined();
    expect([3, 4, 5].map(mosquittoProtocolNumber)).toEqual([1, 2, 5]);
  });
});

describe("mochi", () => {
  it("gets every listener of the stock cmd on its own loopback port", () => {
    expect(mochiArgs({ tcp: 1, ws: 2, info: 3 })).toEqual(["-tcp", "127.0.0.1:1", "-ws", "127.0.0.1:2", "-info", "127.0.0.1:3"]);
  });
  it("is built from the pinned module and read back from Go's build info", () => {
    expect(goInstallArgs()).toEqual(["install", "-ldflags=-s -w", "github.com/mochi-mqtt/server/v2/cmd@v2.7.9"]);
    const info = "path\tgithub.com/mochi-mqtt/server/v2/cmd\nmod\tgithub.com/mochi-mqtt/server/v2\tv2.7.9\th1:y0g4=\ndep\tgithub.com/rs/xid\tv1.4.0\n";
    expect(parseBuildInfo(`\u0000garbage${info}`)).toBe("2.7.9");
    expect(parseBuildInfo("dep\tgithub.com/mochi-mqtt/server/v2\tv2.7.9\n")).toBeUndefined();
  });
  it("without its binary is unavailable with the fix, and starts nothing", async () => {
    const f = mochi({ bin: undefined });
    expect(await f.unavailable!()).toBe(MOCHI_MISSING);
    const lab = new Lab("unit-mochi-missing");
    try {
      await expect(f.start(lab, { protocol: "5" })).rejects.toBeInstanceOf(BrokerUnavailable);
      expect(lab.timeline.events).toEqual([]);
    } finally {
      await lab.teardown();
    }
  });
});

describe("mosquitto in its container", () => {
  it("is configured like the local one: durable only when asked, CONNACKs logged", () => {
    expect(mosquittoContainerConf(true)).toContain("autosave_on_changes true");
    expect(mosquittoContainerConf(false)).not.toContain("autosave_on_changes");
    expect(mosquittoContainerConf(false)).toMatch(/log_type all/);
  });
});

describe("Docker engine detection", () => {
  const dir = mkdtempSync(join(tmpdir(), "faraday-docker-"));
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    rmSync(dir, { recursive: true, force: true });
  });
  const listen = (handler: Parameters<typeof createHttpServer>[1], sock: string) =>
    new Promise<void>((resolve) => {
      const s = createHttpServer(handler);
      servers.push(s);
      s.listen(sock, () => resolve());
    });

  it("says the socket is absent", async () => {
    const r = await probeDockerEngine({ DOCKER_HOST: `unix://${dir}/none.sock` });
    expect(r).toEqual({ ok: false, why: `no Docker engine here (DOCKER_HOST=unix://${dir}/none.sock: ${dir}/none.sock absent)` });
  });
  it("finds an engine that answers /_ping", async () => {
    const sock = join(dir, "ok.sock");
    await listen((req, res) => res.end(req.url === "/_ping" ? "OK" : ""), sock);
    expect(await probeDockerEngine({ DOCKER_HOST: `unix://${sock}` })).toEqual({ ok: true, where: sock });
  });
  it("gives up on a silent socket within its timeout", async () => {
    const sock = join(dir, "mute.sock");
    await listen(() => undefined, sock); // accepts, never answers
    const t0 = Date.now();
    const r = await probeDockerEngine({ DOCKER_HOST: `unix://${sock}` }, 300);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.why).toMatch(/no answer to \/_ping within 300 ms/);
  });
  it("reports a refused tcp:// engine", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createTcpServer();
      s.listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const r = await probeDockerEngine({ DOCKER_HOST: `tcp://127.0.0.1:${port}` });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.why).toMatch(/ECONNREFUSED/);
  });
});
