/**
 * What the packet stage costs when nothing is armed: QoS 1 publish → PUBACK round trips of a
 * real MQTT.js client against a real mosquitto, three ways — straight to the broker, through
 * the wire tap as it was before the stage (parse and copy), and through today's tap (parse,
 * follow the framing, copy the same Buffer on). Rounds interleave the three so that machine
 * load falls on all alike; the p50/p99 per way and the tap's difference are printed.
 *
 *   npx tsx scripts/packet-stage-bench.ts [--publishes 2000] [--rounds 5] [--bytes 64]
 */
import net from "node:net";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import mqttPacket from "mqtt-packet";
import { Lab } from "../src/lab/lab.ts";
import { startWireTap } from "../src/lab/wiretap.ts";
import { Timeline } from "../src/timeline/timeline.ts";
import { PacketStage } from "../src/lab/packetStage.ts";
import { find as findMosquitto } from "../src/tools/mosquitto.ts";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const PUBLISHES = arg("publishes", 2000);
const ROUNDS = arg("rounds", 5);
const BYTES = arg("bytes", 64);

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });

/** The tap as it was before the packet stage (src/lab/wiretap.ts at the parent commit): parse both ways, copy. */
async function oldTap(upstreamPort: number): Promise<{ port: number; close: () => void }> {
  const port = await freePort();
  const socks = new Set<net.Socket>();
  const server = net.createServer((device) => {
    const broker = net.connect(upstreamPort, "127.0.0.1");
    socks.add(device).add(broker);
    const up = mqttPacket.parser({ protocolVersion: 4 });
    const down = mqttPacket.parser({ protocolVersion: 4 });
    up.on("packet", () => {});
    down.on("packet", () => {});
    device.on("data", (b) => {
      up.parse(b);
      broker.write(b);
    });
    broker.on("data", (b) => {
      down.parse(b);
      device.write(b);
    });
    device.on("close", () => broker.destroy());
    broker.on("close", () => device.destroy());
    device.on("error", () => {});
    broker.on("error", () => {});
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return { port, close: () => (socks.forEach((s) => s.destroy()), server.close()) };
}

async function roundTrips(port: number): Promise<number[]> {
  const c = await mqtt.connectAsync({ host: "127.0.0.1", port, protocolVersion: 4, clean: true, keepalive: 60, reconnectPeriod: 0 });
  const payload = Buffer.alloc(BYTES, "x");
  const out: number[] = [];
  // A warm-up, then the measured publishes, one at a time as a device's application loop does.
  for (let i = 0; i < 50; i++) await c.publishAsync("bench/t", payload, { qos: 1 });
  for (let i = 0; i < PUBLISHES; i++) {
    const t0 = process.hrtime.bigint();
    await c.publishAsync("bench/t", payload, { qos: 1 });
    out.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  await c.endAsync();
  return out;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

const mosq = await findMosquitto();
if (!mosq.ok) throw new Error(`mosquitto: ${mosq.why}`);
const dir = mkdtempSync(join(tmpdir(), "faraday-stage-bench-"));
const brokerPort = await freePort();
writeFileSync(join(dir, "m.conf"), `listener ${brokerPort} 127.0.0.1\nallow_anonymous true\n`);
const broker = spawn(mosq.where, ["-c", join(dir, "m.conf")], { stdio: "ignore" });
await new Promise((r) => setTimeout(r, 500));

const timeline = new Timeline();
const lab = new Lab("stage-bench", { timeline });
const tapped = await startWireTap(lab, { upstreamPort: brokerPort, protocol: "3.1.1" });
const before = await oldTap(brokerPort);
const ways: Record<string, number> = { direct: brokerPort, "tap before the stage": before.port, "tap with the stage, idle": tapped.listenPort };
const samples: Record<string, number[]> = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
try {
  for (let r = 0; r < ROUNDS; r++) for (const [name, port] of Object.entries(ways)) samples[name]!.push(...(await roundTrips(port)));
} finally {
  before.close();
  await lab.teardown();
  broker.kill();
}
console.log(`QoS 1 publish → PUBACK, ${BYTES}-byte payload, ${ROUNDS} rounds × ${PUBLISHES} publishes per way (µs):`);
for (const [name, xs] of Object.entries(samples)) console.log(`  ${name.padEnd(26)} p50 ${pct(xs, 50).toFixed(0).padStart(5)}  p99 ${pct(xs, 99).toFixed(0).padStart(5)}  mean ${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(0).padStart(5)}`);
const d50 = pct(samples["tap with the stage, idle"]!, 50) - pct(samples["tap before the stage"]!, 50);
const d99 = pct(samples["tap with the stage, idle"]!, 99) - pct(samples["tap before the stage"]!, 99);
console.log(`  the stage, idle, vs. the tap before it: p50 ${d50 >= 0 ? "+" : ""}${d50.toFixed(0)} µs, p99 ${d99 >= 0 ? "+" : ""}${d99.toFixed(0)} µs`);
await timeline.close();

// The stage's own work, without sockets: one idle connection handed QoS 1 PUBLISH chunks (one
// packet per chunk, as a device writes them) and a sink that does nothing.
const one = mqttPacket.generate({ cmd: "publish", topic: "bench/t", payload: Buffer.alloc(BYTES, "x"), qos: 1, messageId: 1, dup: false, retain: false }, { protocolVersion: 4 });
const conn = new PacketStage().connection(1, { up: () => {}, down: () => {} });
const N = 2_000_000;
for (let i = 0; i < 100_000; i++) conn.push("up", one);
const t0 = process.hrtime.bigint();
for (let i = 0; i < N; i++) conn.push("up", one);
const ns = Number(process.hrtime.bigint() - t0) / N;
console.log(`  the stage's own work, idle: ${ns.toFixed(0)} ns per ${one.length}-byte packet (${N} packets, no sockets)`);
