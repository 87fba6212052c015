/**
 * Fault apply → in effect, measured on the wire: a real Toxiproxy (or a real broker), a TCP
 * connection through it carrying a numbered probe every millisecond to an echo server, and the
 * project's own fault factories. For each repetition: open a fresh connection, let the probe
 * flow, inject the fault, find the first probe the fault touched, heal.
 *
 * - apply: how long the lab's inject() takes to return (the toxic is in place once the API
 *   answered);
 * - in effect: from the moment inject() was called to the first consequence on the wire —
 *   partition: the first probe sent that never comes back; latency: the first probe whose round
 *   trip took the added delay; reset: the connection reset; brokerCrash: the broker's side of a
 *   connection closed.
 */
import { createServer, connect, type Socket, type Server } from "node:net";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Lab } from "../../src/lab/lab.ts";
import { startLink } from "../../src/lab/link.ts";
import { Timeline } from "../../src/timeline/timeline.ts";
import { fault, type FaultTargets } from "../../src/faults/index.ts";
import { seededRandom } from "../../src/lab/random.ts";
import { brokerFactory } from "../../src/brokers/index.ts";
import type { Toolchain } from "../../src/tools/index.ts";
import type { RunningBroker } from "../../src/brokers/broker.ts";

export interface Latency {
  fault: string;
  n: number;
  /** inject() call to its return, ms. */
  applyMs: { p50: number; p99: number; max: number };
  /** inject() call to the first consequence on the wire, ms. */
  inEffectMs: { p50: number; p99: number; max: number };
  /** Repetitions in which no consequence was seen (not counted in inEffectMs). */
  unseen: number;
}

export function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
const stats = (xs: number[]) => ({ p50: round(pct(xs, 50)), p99: round(pct(xs, 99)), max: round(Math.max(...xs)) });
const round = (x: number) => Math.round(x * 100) / 100;
const now = () => performance.now();

/** An echo server: every byte comes back. */
async function echoServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => s.pipe(s).on("error", () => {}));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const a = server.address();
  return { server, port: typeof a === "object" && a ? a.port : 0 };
}

/** A numbered probe every ms over a fresh connection; remembers when each went out and came back. */
async function probe(port: number, silent = false) {
  const sock: Socket = connect(port, "127.0.0.1");
  await new Promise<void>((r, j) => sock.once("connect", r).once("error", j));
  const sent = new Map<number, number>();
  const back = new Map<number, number>();
  let closedAt: number | undefined;
  let buf = Buffer.alloc(0);
  sock.on("data", (d) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 4) {
      back.set(buf.readUInt32BE(0), now());
      buf = buf.subarray(4);
    }
  });
  sock.on("error", () => (closedAt ??= now()));
  sock.on("close", () => (closedAt ??= now()));
  let n = 0;
  const timer = setInterval(() => {
    if (silent || sock.destroyed || closedAt !== undefined) return;
    const b = Buffer.alloc(4);
    b.writeUInt32BE(++n);
    sent.set(n, now());
    sock.write(b);
  }, 1);
  return {
    sent,
    back,
    get closedAt() {
      return closedAt;
    },
    stop() {
      clearInterval(timer);
      sock.destroy();
    },
  };
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The first probe sent at or after `from` that satisfies `touched`, by its send time. */
function firstTouched(p: Awaited<ReturnType<typeof probe>>, from: number, touched: (seq: number, sentAt: number) => boolean): number | undefined {
  for (const [seq, t] of p.sent) if (t >= from - 5 && touched(seq, t)) return t;
  return undefined;
}

export async function faultLatencies(tools: Toolchain, reps: number): Promise<Latency[]> {
  const timeline = new Timeline();
  const lab = new Lab("bench-wire", { timeline });
  const out: Latency[] = [];
  try {
    const echo = await echoServer();
    lab.defer("close echo server", () => echo.server.close());
    const link = await startLink(lab, tools.toxiproxy.path);
    const proxy = await link.proxyFor("bench", echo.port);
    const broker: RunningBroker = await brokerFactory("mosquitto", tools, { durable: true }).start(lab, { protocol: "3.1.1" });
    const targets: FaultTargets = {
      lab,
      broker,
      link: proxy,
      device: { wifi: async () => {}, powerOff: async () => {}, powerOn: async () => {}, wlan: async () => {} },
      random: seededRandom(1),
    };
    const LATENCY_MS = 100;
    const kinds: { name: string; params?: object; silent?: boolean; port: () => number; inEffect: (p: Awaited<ReturnType<typeof probe>>, t0: number) => number | undefined; watchMs: number }[] = [
      {
        name: "partition",
        port: () => proxy.listenPort,
        // Not back within 300 ms, while later probes were sent: dropped.
        inEffect: (p, t0) => firstTouched(p, t0, (seq) => !p.back.has(seq)),
        watchMs: 300,
      },
      {
        name: "latency",
        params: { latencyMs: LATENCY_MS, direction: "both" },
        port: () => proxy.listenPort,
        inEffect: (p, t0) => firstTouched(p, t0, (seq, t) => (p.back.get(seq) ?? Infinity) - t >= LATENCY_MS),
        watchMs: 3 * LATENCY_MS,
      },
      {
        name: "reset",
        port: () => proxy.listenPort,
        inEffect: (p) => p.closedAt,
        watchMs: 300,
      },
      {
        name: "brokerCrash",
        // A TCP connection that has not sent its CONNECT yet: the broker holds it open; any byte not MQTT would close it.
        silent: true,
        port: () => broker.port,
        inEffect: (p) => p.closedAt,
        watchMs: 500,
      },
    ];
    for (const k of kinds) {
      const apply: number[] = [];
      const effect: number[] = [];
      let unseen = 0;
      for (let i = 0; i < reps; i++) {
        const p = await probe(k.port(), k.silent);
        await settle(30); // the probe flows
        const f = fault(k.name, targets, k.params);
        const t0 = now();
        await f.inject();
        apply.push(now() - t0);
        await settle(k.watchMs);
        const t = k.inEffect(p, t0);
        if (t === undefined) unseen++;
        else effect.push(Math.max(0, t - t0));
        await f.heal();
        p.stop();
      }
      out.push({ fault: k.name, n: reps, applyMs: stats(apply), inEffectMs: effect.length ? stats(effect) : { p50: NaN, p99: NaN, max: NaN }, unseen });
    }
  } finally {
    await lab.teardown();
  }
  return out;
}

// On its own: `npx tsx scripts/bench/wire.ts [reps]` prints just this section of the bench.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { requireTools } = await import("../../src/tools/index.ts");
  const reps = Number(process.argv[2] ?? 30);
  for (const l of await faultLatencies(await requireTools(), reps))
    console.log(`${l.fault}: apply p50 ${l.applyMs.p50} ms, p99 ${l.applyMs.p99} ms; in effect on the wire p50 ${l.inEffectMs.p50} ms, p99 ${l.inEffectMs.p99} ms (${l.n} reps${l.unseen ? `, ${l.unseen} unseen` : ""})`);
}
