// Mochi MQTT, a Go broker with full MQTT v5. Published only as a Go module: its `cmd/`
// package is a standalone broker, built with `go install` (the binary comes out named
// `cmd`) and kept as `.tools/bin/mochi-mqtt`, as toxiproxy-server is.
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { chmod, mkdir, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { describeFailure, executable, ok, run, scratchDir } from "./exec.ts";
import { toolsBin } from "./paths.ts";
import { findGo, GO_FIX } from "./toxiproxy.ts";
import { InstallError, SETUP_FIX, type Component, type Found, type FindResult, type Log } from "./types.ts";
import { atLeast } from "./version.ts";

export const WANTED = "2.7.9";
export const MODULE = "github.com/mochi-mqtt/server/v2";

export function mochiPath(): string {
  return path.join(toolsBin(), "mochi-mqtt");
}

/** -s -w drops debug info; CGO_ENABLED=0 (in env) means no C compiler is needed. */
export function goInstallArgs(version: string = WANTED): string[] {
  return ["install", "-ldflags=-s -w", `${MODULE}/cmd@v${version}`];
}

/**
 * The module version from Go's build info, which every Go binary carries as plain text
 * ("\tmod\tgithub.com/mochi-mqtt/server/v2\tv2.7.9\th1:…"; `go version -m` prints the same).
 * The stock cmd has no -version flag, and starting it would open port 1883 and more.
 */
export function parseBuildInfo(text: string): string | undefined {
  return /(?:^|\n)\s*mod\s+github\.com\/mochi-mqtt\/server\/v2\s+v(\d+\.\d+\.\d+)/.exec(text)?.[1];
}

const memo = new Map<string, string | undefined>();

/** Reads the build info out of the binary itself (no `go` needed, a few ms), memoised by file identity. */
export function versionOf(bin: string): string | undefined {
  let key: string;
  try {
    const s = statSync(bin);
    key = `${bin}:${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch {
    return undefined;
  }
  if (memo.has(key)) return memo.get(key);
  let version: string | undefined;
  const fd = openSync(bin, "r");
  try {
    // Scan in overlapping chunks: the build info sits in the data section, anywhere in the file.
    const chunk = Buffer.alloc(1 << 20);
    let carry = "";
    for (let pos = 0; version === undefined; ) {
      const n = readSync(fd, chunk, 0, chunk.length, pos);
      if (n <= 0) break;
      const text = carry + chunk.toString("latin1", 0, n);
      version = parseBuildInfo(text);
      carry = text.slice(-200);
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
  memo.set(key, version);
  return version;
}

export async function find(): Promise<FindResult> {
  const bin = mochiPath();
  if (!executable(bin)) return { ok: false, why: `mochi-mqtt not built (${bin} absent)`, fix: findGo() ? SETUP_FIX : `${GO_FIX}, then: ${SETUP_FIX}` };
  const version = versionOf(bin);
  if (version && atLeast(version, "2.0.0")) return { ok: true, where: bin, version, source: "built with go install" };
  return { ok: false, why: `${bin} ${version ? `is ${version}, need 2.x` : "carries no Go build info"}`, fix: SETUP_FIX };
}

export async function install(_log: Log): Promise<Found> {
  const before = await find();
  if (before.ok) return before;
  const go = findGo();
  if (!go) throw new InstallError("go not found (mochi-mqtt is built with go install)", GO_FIX);
  const gobin = await scratchDir("gobin-mochi");
  try {
    const env = { ...process.env, GOBIN: gobin, CGO_ENABLED: "0" };
    const r = await run(go, goInstallArgs(), { env, timeoutMs: 10 * 60_000 });
    if (!ok(r)) throw new InstallError(describeFailure("go install mochi-mqtt", r), `GOBIN=/tmp ${go} ${goInstallArgs().map((a) => (a.includes(" ") ? `'${a}'` : a)).join(" ")}`);
    const built = (await readdir(gobin))[0];
    if (!built) throw new InstallError("go install produced no binary", SETUP_FIX);
    await mkdir(toolsBin(), { recursive: true });
    await chmod(path.join(gobin, built), 0o755);
    await rename(path.join(gobin, built), mochiPath()); // atomic replace: never a half-written binary
  } finally {
    await rm(gobin, { recursive: true, force: true });
  }
  const after = await find();
  if (!after.ok) throw new InstallError(`built mochi-mqtt but ${after.why}`, SETUP_FIX);
  return after;
}

/** Optional: the lab runs on mosquitto alone; without it the `mochi` broker kind is unavailable. */
export const mochi: Component = {
  name: "mochi-mqtt",
  wanted: WANTED,
  optional: true,
  method: "go install (about 25 s cold, 1–2 s with a warm Go cache)",
  find,
  install,
};
