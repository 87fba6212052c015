// Brokers that exist only as container images (EMQX, HiveMQ CE; mosquitto's own image),
// started through `testcontainers` when a Docker engine is reachable.
//
// testcontainers is pinned to 11.x in package.json: 12.1 and later declare Node >= 22.22 and
// the lab runs on Node 20 (npm install must not print engine warnings); 11.x declares nothing
// and runs on 20. It is imported only once an engine answered, so machines without Docker
// never load it (it pulls in dockerode, ssh2 and more).
import { existsSync } from "node:fs";
import { request } from "node:http";
import { homedir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Lab } from "../lab/lab.ts";
import { assertPortFree } from "../lab/ports.ts";
import { until } from "../lab/ready.ts";
import { BrokerUnavailable, mqttConnects, type BrokerFactory, type BrokerSpec, type Protocol, type RunningBroker } from "./broker.ts";

export type EngineStatus = { ok: true; where: string } | { ok: false; why: string };

const DEFAULT_SOCKET = "/var/run/docker.sock";

/** Where an engine's socket may be when DOCKER_HOST is unset: the system one, rootless Docker, Docker Desktop. */
export function socketCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const c = [DEFAULT_SOCKET];
  if (env.XDG_RUNTIME_DIR) c.push(join(env.XDG_RUNTIME_DIR, "docker.sock"));
  const home = env.HOME ?? homedir();
  if (home) c.push(join(home, ".docker", "run", "docker.sock"), join(home, ".docker", "desktop", "docker.sock"));
  return c;
}

/** GET /_ping, answered 200 "OK" by any Docker-compatible engine; false on anything else or after `timeoutMs`. */
function ping(target: { socketPath: string } | { host: string; port: number }, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (why: string | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(why);
    };
    const req = request({ ...target, path: "/_ping", method: "GET" }, (res) => {
      res.resume();
      done(res.statusCode === 200 ? undefined : `answered ${res.statusCode} to /_ping`);
    });
    const timer = setTimeout(() => {
      req.destroy();
      done(`no answer to /_ping within ${timeoutMs} ms`);
    }, timeoutMs);
    req.on("error", (e) => done(e.message));
    req.end();
  });
}

/**
 * Is a Docker engine reachable? Quick (at most `timeoutMs` per ping) and read-only: DOCKER_HOST
 * when set (unix:// or tcp://), else the usual sockets. Never starts the docker CLI.
 */
export async function probeDockerEngine(env: NodeJS.ProcessEnv = process.env, timeoutMs = 1000): Promise<EngineStatus> {
  const host = env.DOCKER_HOST?.trim();
  if (host) {
    if (host.startsWith("unix://")) {
      const sock = host.slice("unix://".length);
      if (!existsSync(sock)) return { ok: false, why: `no Docker engine here (DOCKER_HOST=${host}: ${sock} absent)` };
      const why = await ping({ socketPath: sock }, timeoutMs);
      return why ? { ok: false, why: `no Docker engine here (${sock}: ${why})` } : { ok: true, where: sock };
    }
    const tcp = /^tcp:\/\/\[?([^\]/]+?)\]?:(\d+)\/?$/.exec(host);
    if (tcp) {
      // A TLS engine (DOCKER_TLS_VERIFY) wants client certificates for a ping: leave that to testcontainers.
      if (env.DOCKER_TLS_VERIFY && env.DOCKER_TLS_VERIFY !== "0") return { ok: true, where: `${host} (TLS, not pinged)` };
      const why = await ping({ host: tcp[1]!, port: Number(tcp[2]) }, timeoutMs);
      return why ? { ok: false, why: `no Docker engine here (DOCKER_HOST=${host}: ${why})` } : { ok: true, where: host };
    }
    // ssh:// and others: cannot be checked quickly without the CLI; testcontainers will say.
    return { ok: true, where: `${host} (not pinged)` };
  }
  const socks = socketCandidates(env).filter((s) => existsSync(s));
  if (socks.length === 0) return { ok: false, why: `no Docker engine here (${DEFAULT_SOCKET} absent, DOCKER_HOST unset)` };
  const problems: string[] = [];
  for (const sock of socks) {
    const why = await ping({ socketPath: sock }, timeoutMs);
    if (!why) return { ok: true, where: sock };
    problems.push(`${sock}: ${why}`);
  }
  return { ok: false, why: `no Docker engine here (${problems.join("; ")})` };
}

let engine: Promise<EngineStatus> | undefined;

/** The engine check, done once per process. */
export function dockerEngine(): Promise<EngineStatus> {
  engine ??= probeDockerEngine();
  return engine;
}

/** What a container broker kind is: its spec and how its image is started. */
export interface ContainerKind {
  spec: BrokerSpec;
  /** Image with an exact tag. */
  image: string;
  /** The MQTT port inside the container. */
  mqttPort?: number;
  command?: string[];
  env?: Record<string, string>;
  /** Files written into the container before it starts (configs). */
  files?: { content: string; target: string }[];
  /** From container start to a real CONNACK (JVM and BEAM brokers take seconds). */
  readyWithinMs: number;
  /** Reads the container's log lines into `broker connack` events, when the broker logs them. */
  connackReader?: () => { feed(line: string): object | undefined };
}

/** A broker in a container: its MQTT port published on 127.0.0.1 only, at a port fixed for the run. */
export function containerBroker(k: ContainerKind, opts: { port?: number } = {}): BrokerFactory {
  const { spec } = k;
  return {
    ...spec,
    async unavailable() {
      const e = await dockerEngine();
      return e.ok ? undefined : e.why;
    },
    async start(lab: Lab, { protocol }: { protocol: Protocol }): Promise<RunningBroker> {
      const e = await dockerEngine();
      if (!e.ok) throw new BrokerUnavailable(e.why);
      return startContainer(k, lab, protocol, opts.port);
    },
  };
}

async function startContainer(k: ContainerKind, lab: Lab, protocol: Protocol, fixedPort: number | undefined): Promise<RunningBroker> {
  const { spec } = k;
  const name = spec.kind;
  const tl = lab.timeline;
  const inner = k.mqttPort ?? 1883;
  const port = fixedPort ?? (await lab.port());
  await assertPortFree(port, name);
  const tc = await import("testcontainers");

  // testcontainers binds a fixed host port on every interface; the lab's traffic stays on loopback.
  class LoopbackContainer extends tc.GenericContainer {
    onLoopback(): this {
      this.hostConfig.PortBindings = { [`${inner}/tcp`]: [{ HostIp: "127.0.0.1", HostPort: String(port) }] };
      return this;
    }
  }
  let c = new LoopbackContainer(k.image)
    .withExposedPorts({ container: inner, host: port })
    .onLoopback()
    .withAutoRemove(false) // a killed container must stay, to be started again on the same port
    .withLabels({ "faraday.run": lab.runId })
    .withWaitStrategy(tc.Wait.forListeningPorts())
    .withStartupTimeout(k.readyWithinMs);
  if (k.command) c = c.withCommand(k.command);
  if (k.env) c = c.withEnvironment(k.env);
  if (k.files?.length) c = c.withCopyContentToContainer(k.files.map((f) => ({ content: f.content, target: f.target })));

  tl.record("broker", "log", { broker: name, line: `starting container ${k.image} on 127.0.0.1:${port} (the first start pulls the image)` });
  const started = await c.start();
  const runtime = await tc.getContainerRuntimeClient();
  const dc = runtime.container.getById(started.getId());
  lab.defer(`remove ${name} container`, () => dc.remove({ force: true, v: true }));
  let running = true;

  const follow = async (sinceS: number): Promise<void> => {
    const reader = k.connackReader?.();
    const stream = await started.logs({ since: sinceS });
    createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => {
      tl.record("broker", "log", { broker: name, line });
      const connack = reader?.feed(line);
      if (connack) tl.record("broker", "connack", { broker: name, ...connack });
    });
  };
  const ready = async (): Promise<void> => {
    await until(`${name} container on port ${port} answering CONNECT`, () => mqttConnects(port, protocol), { withinMs: k.readyWithinMs });
    tl.record("broker", "ready", { broker: name, port, container: started.getId().slice(0, 12) });
  };
  await follow(0);
  await ready();

  const exitCode = async (): Promise<number | null> => {
    const info = await dc.inspect().catch(() => undefined);
    return info?.State?.ExitCode ?? null;
  };
  return {
    kind: spec.kind,
    protocols: spec.protocols,
    durable: spec.durable,
    ...(spec.lacks ? { lacks: spec.lacks } : {}),
    host: "127.0.0.1",
    port,
    get running() {
      return running;
    },
    async start() {
      if (running) return;
      const since = Math.floor(Date.now() / 1000);
      await dc.start();
      running = true;
      await follow(since);
      await ready();
    },
    async crash() {
      await dc.kill({ signal: "SIGKILL" });
      await dc.wait();
      running = false;
      tl.record("broker", "exit", { broker: name, how: "SIGKILL" });
    },
    async shutdown() {
      await dc.stop({ t: 5 }); // SIGTERM, SIGKILL after 5 s
      running = false;
      tl.record("broker", "exit", { broker: name, how: "SIGTERM", code: await exitCode() });
    },
    async freeze() {
      await dc.pause(); // the cgroup freezer: resolves once every process in it is frozen
    },
    async thaw() {
      await dc.unpause();
    },
  };
}
