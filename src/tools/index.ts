// What the runner imports: the resolved toolchain, or one clear line about what
// is missing. Also re-exports the CLI's setup and doctor commands.
import { CLIENTS, type ClientName } from "./clients.ts";
import { components } from "./components.ts";
import type { MicroPythonFound, MpyInfo } from "./micropython.ts";
import type { MpyCrossFound } from "./mpyCross.ts";
import type { Found, FindResult } from "./types.ts";

export { setup, type SetupOptions } from "./setup.ts";
export { doctor, type DoctorOptions } from "./doctor.ts";
export { clientPackageDir, CLIENTS, type ClientName } from "./clients.ts";
export { repoRoot, toolsDir } from "./paths.ts";
export type { MpyInfo } from "./micropython.ts";

export interface Toolchain {
  /** argv: program + leading args; append a script path or `-c code`. */
  micropython: { argv: string[]; version: string; mpy: MpyInfo };
  mosquitto: { path: string; version: string };
  toxiproxy: { path: string; version: string };
  /** Absent when not installed; present only when its bytecode matches the runtime. */
  mpyCross?: { path: string; version: string; emits: string };
  clients: Record<ClientName, { dir: string; version: string }>;
  /**
   * Every component found, by its name ("mochi-mqtt", "socat"): what a broker kind's `tool`
   * names. An optional one that is not installed is absent.
   */
  found: Record<string, { path: string; version: string }>;
}

/** "a, b not found — run: X" (one line); fixes grouped so each command appears once. */
export function missingMessage(missing: ReadonlyArray<{ name: string; fix: string }>): string {
  const byFix = new Map<string, string[]>();
  for (const m of missing) byFix.set(m.fix, [...(byFix.get(m.fix) ?? []), m.name]);
  return [...byFix].map(([fix, names]) => `${names.join(", ")} not found — run: ${fix}`).join("; ");
}

let cached: Promise<Toolchain> | undefined;

/** Resolve every tool once per process; throws Error("toxiproxy-server not found — run: npx faraday setup"). */
export function requireTools(): Promise<Toolchain> {
  cached ??= resolve().catch((e: unknown) => {
    cached = undefined; // let a later call retry after the user fixed it
    throw e;
  });
  return cached;
}

async function resolve(): Promise<Toolchain> {
  const all = components();
  const results = await Promise.all(all.map((c) => c.find()));
  const missing: Array<{ name: string; fix: string }> = [];
  const by = new Map<string, Found>();
  results.forEach((f: FindResult, i) => {
    const c = all[i];
    if (!c) return;
    if (f.ok) by.set(c.name, f);
    else if (!c.optional) missing.push({ name: c.name, fix: f.fix });
  });
  if (missing.length) throw new Error(missingMessage(missing));

  const mp = by.get("micropython") as MicroPythonFound;
  const mq = by.get("mosquitto") as Found;
  const tx = by.get("toxiproxy-server") as Found;
  const clients = {} as Toolchain["clients"];
  for (const spec of CLIENTS) {
    const f = by.get(spec.name) as Found;
    clients[spec.name] = { dir: f.where, version: f.version };
  }
  const tc: Toolchain = {
    micropython: { argv: mp.argv, version: mp.version, mpy: mp.mpy },
    mosquitto: { path: mq.where, version: mq.version },
    toxiproxy: { path: tx.where, version: tx.version },
    clients,
    found: Object.fromEntries([...by].map(([name, f]) => [name, { path: f.where, version: f.version }])),
  };
  // An mpy-cross for another bytecode version would produce files the runtime refuses: treat as absent.
  const mpyC = by.get("mpy-cross") as MpyCrossFound | undefined;
  if (mpyC && mpyC.emits === mp.mpy.version) tc.mpyCross = { path: mpyC.where, version: mpyC.version, emits: mpyC.emits };
  return tc;
}
