import { dirname, join } from "node:path";
import type { Lab } from "../lab/lab.ts";
import type { Protocol } from "../brokers/broker.ts";
import { LabError } from "../lab/errors.ts";
import { executable, which } from "../tools/exec.ts";
import { mosquittoClients } from "../tools/mosquittoClients.ts";
import type { MosquittoPubOptions, MosquittoSubHandle, MosquittoSubOptions } from "./dsl.ts";
import { MOSQUITTO_SUB_FORMAT, mosquittoPubProps, mosquittoSubParser } from "./mosquittoFormat.ts";
import { awaitReceipt } from "./peer.ts";

// mosquitto's own command-line clients as peers (interop): mosquitto_sub / mosquitto_pub from
// Debian's mosquitto-clients, run as lab-owned child processes against the run's broker. What
// they print and take: mosquittoFormat.ts.

/**
 * mosquitto_sub, found as setup and doctor find it (tools/mosquittoClients.ts: Debian's
 * /usr/bin, then PATH), and mosquitto_pub beside it: one package installs both.
 */
async function mosquittoTool(name: "mosquitto_sub" | "mosquitto_pub"): Promise<string> {
  const sub = await mosquittoClients.find();
  if (!sub.ok) {
    // "mosquitto_sub not found", or why the one found cannot be used (no version it prints).
    const why = sub.why === `${mosquittoClients.name} not found` ? `${name} not found` : `${name}: ${sub.why}`;
    throw new LabError(`${why} — run: ${sub.fix}`);
  }
  if (name === "mosquitto_sub") return sub.where;
  const pub = join(dirname(sub.where), name);
  if (!executable(pub)) throw new LabError(`${name} not found beside ${sub.where}: reinstall Debian's mosquitto-clients (apt-get install --reinstall mosquitto-clients)`);
  return pub;
}

const versionArg = (p: Protocol) => (p === "5" ? "mqttv5" : "mqttv311");

/**
 * Run mosquitto_sub as peer `name` (its client id too); resolves once its SUBACK came (its own
 * -d line "Subscribed (mid: N): Q"), bounded by `withinMs`.
 */
export async function startMosquittoSub(p: { lab: Lab; port: number; protocol: Protocol; name: string; topic: string; opts: MosquittoSubOptions; withinMs: number }): Promise<MosquittoSubHandle> {
  const { lab, name, topic, opts } = p;
  const tl = lab.timeline;
  const protocol = opts.protocol ?? p.protocol;
  const args = ["-h", "127.0.0.1", "-p", String(p.port), "-V", versionArg(protocol), "-i", name, "-t", topic, "-q", String(opts.qos ?? 1), "-d", "-N", "-F", MOSQUITTO_SUB_FORMAT];
  if (opts.count !== undefined) args.push("-C", String(opts.count));
  if (opts.subscriptionIdentifier !== undefined) args.push("-D", "subscribe", "subscription-identifier", String(opts.subscriptionIdentifier));
  const bin = await mosquittoTool("mosquitto_sub");
  tl.record("peer", "spawn", { peer: name, cmd: "mosquitto_sub", args });
  // Its stdout is a pipe, so stdio would hold every line until exit: unbuffered through
  // stdbuf (coreutils) where there is one.
  const stdbuf = which("stdbuf", ["/usr/bin", "/usr/local/bin"]);
  const proc = stdbuf ? lab.spawn({ name, cmd: stdbuf, args: ["-o0", bin, ...args] }) : lab.spawn({ name, cmd: bin, args });
  let granted: number | undefined;
  let subscribed!: () => void;
  const ready = new Promise<void>((r) => (subscribed = r));
  const parser = mosquittoSubParser();
  // Lines also reach OwnedProcess's own reader (its tail); the raw bytes are parsed here.
  proc.child.stdout?.on("data", (chunk: Buffer) => {
    for (const item of parser.push(chunk)) {
      if ("record" in item) {
        const r = item.record;
        tl.record("peer", "recv", { peer: name, via: "mosquitto_sub", topic: r.topic, payload: r.payload, qos: r.qos, retain: r.retain, ...(Object.keys(r.props).length ? { props: r.props } : {}) });
        continue;
      }
      const line = item.line;
      tl.record("peer", "log", { peer: name, line });
      if (/received CONNACK/.test(line)) tl.record("peer", "up", { peer: name, via: "mosquitto_sub", line });
      const sub = /^Subscribed \(mid: \d+\): (\d+)/.exec(line);
      if (sub) {
        granted = Number(sub[1]);
        tl.record("peer", "suback", { peer: name, topic, granted: [granted] });
        subscribed();
      }
    }
  });
  proc.child.stderr?.on("data", (chunk: Buffer) => tl.record("peer", "log", { peer: name, line: chunk.toString("utf8").trimEnd(), stream: "stderr" }));
  void proc.exited.then((x) => tl.record("peer", "exit", { peer: name, code: x.code, signal: x.signal }));
  const started = tl.now();
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready.then(() => "ok" as const),
    proc.exited.then(() => "exited" as const),
    new Promise<"late">((r) => (timer = setTimeout(() => r("late"), p.withinMs))),
  ]).finally(() => clearTimeout(timer));
  if (outcome !== "ok") {
    await proc.stop(1000);
    if (lab.abort.signal.aborted) throw new LabError("interrupted");
    throw new LabError(`mosquitto_sub ${name} ${outcome === "exited" ? `exited before its SUBACK: ${proc.tail.slice(-3).join(" | ")}` : `got no SUBACK within ${p.withinMs} ms (since ${(started / 1000).toFixed(3)} s)`}`);
  }
  return {
    name,
    get granted() {
      return granted;
    },
    received: (m, { within, what }) => awaitReceipt(tl, lab.abort.signal, { src: "peer", kind: "recv", peer: name }, m, within, what ?? `mosquitto_sub ${name} receives ${m.topic}${m.payload !== undefined ? ` "${m.payload}"` : ""}`),
    stop: () => proc.stop(1000),
  };
}

/** Run mosquitto_pub as peer `name` once; resolves when it exited (bounded by `withinMs`). */
export async function runMosquittoPub(p: { lab: Lab; port: number; protocol: Protocol; name: string; topic: string; payload: string | { hex: string }; opts: MosquittoPubOptions; withinMs: number }): Promise<{ code: number | null; output: string[] }> {
  const { lab, name, topic, opts } = p;
  const tl = lab.timeline;
  const protocol = opts.protocol ?? p.protocol;
  const qos = opts.qos ?? 1;
  const binary = typeof p.payload !== "string";
  const args = ["-h", "127.0.0.1", "-p", String(p.port), "-V", versionArg(protocol), "-i", name, "-t", topic, "-q", String(qos), "-d", ...(opts.retain ? ["-r"] : []), ...(binary ? ["-s"] : ["-m", p.payload as string]), ...(protocol === "5" ? mosquittoPubProps(opts.props ?? {}) : [])];
  tl.record("peer", "publish", { peer: name, via: "mosquitto_pub", topic, payload: p.payload, qos, retain: opts.retain ?? false, ...(opts.props ? { props: opts.props } : {}), args });
  const output: string[] = [];
  const cmd = await mosquittoTool("mosquitto_pub");
  const proc = lab.spawn({
    name,
    cmd,
    args,
    stdin: binary,
    onLine: (line) => {
      output.push(line);
      tl.record("peer", "log", { peer: name, line });
      const ack = /received PUBACK \(Mid: (\d+), RC:(\d+)\)/.exec(line);
      if (ack) tl.record("peer", "puback", { peer: name, messageId: Number(ack[1]), reasonCode: Number(ack[2]) });
    },
  });
  if (binary) proc.child.stdin?.end(Buffer.from((p.payload as { hex: string }).hex, "hex"));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((r) => (timer = setTimeout(() => r("late"), p.withinMs)));
  const x = await Promise.race([proc.exited, late]).finally(() => clearTimeout(timer));
  if (x === "late") {
    await proc.stop(1000);
    throw new LabError(`mosquitto_pub ${name} did not finish within ${p.withinMs} ms: ${output.slice(-3).join(" | ")}`);
  }
  tl.record("peer", "exit", { peer: name, code: x.code, signal: x.signal });
  return { code: x.code, output };
}
