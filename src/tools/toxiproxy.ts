// Toxiproxy server, the fault proxy. Only published as a Go module here, so we
// build it with `go install` and give the binary (named `server`) a clear name.
import { chmod, mkdir, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { describeFailure, executable, ok, run, scratchDir, which } from "./exec.ts";
import { toolsBin } from "./paths.ts";
import { probe } from "./probe.ts";
import { InstallError, SETUP_FIX, type Component, type Found, type FindResult, type Log } from "./types.ts";
import { atLeast } from "./version.ts";

export const WANTED = "2.12.0";
export const MODULE = "github.com/Shopify/toxiproxy/v2";
// toxiproxy 2.12.0's go.mod says `go 1.23.0`; Debian 12's golang-go (1.19) is too old.
export const GO_FIX = "install Go 1.23 or newer (official tarball to /usr/local/go, or your package manager) and put `go` on PATH";

export function toxiproxyPath(): string {
  return path.join(toolsBin(), "toxiproxy-server");
}

/** `go` on PATH, or the official tarball's usual place. */
export function findGo(): string | undefined {
  return which("go", ["/usr/local/go/bin"]);
}

/**
 * `go install` leaves the version variable at its default "git" (releases set it
 * with -ldflags), so we set it ourselves; -s -w drops debug info (16 → 11 MB);
 * CGO_ENABLED=0 (in env) means no C compiler is needed.
 */
export function goInstallArgs(version: string = WANTED): string[] {
  return ["install", `-ldflags=-s -w -X ${MODULE}.Version=${version}`, `${MODULE}/cmd/server@v${version}`];
}

/** `toxiproxy-server -version` says "toxiproxy-server version 2.12.0" (or "… version git"). */
export function parseToxiproxyVersion(out: string): string | undefined {
  return /version v?(\d+\.\d+\.\d+)/.exec(out)?.[1];
}

/** `go version -m BIN` has a line "\tmod\tgithub.com/Shopify/toxiproxy/v2\tv2.12.0\t…". */
export function parseGoBuildInfo(out: string): string | undefined {
  return /^\s*mod\s+github\.com\/Shopify\/toxiproxy\/v2\s+v(\d+\.\d+\.\d+)/m.exec(out)?.[1];
}

async function versionOf(bin: string): Promise<string | undefined> {
  const p = await probe([bin, "-version"]);
  const v = parseToxiproxyVersion(p.out);
  if (v) return v;
  // A plain `go install` build prints "git": ask Go's build info instead.
  const go = findGo();
  return go ? parseGoBuildInfo((await probe([go, "version", "-m", bin])).out) : undefined;
}

export async function find(): Promise<FindResult> {
  const reasons: string[] = [];
  const candidates: Array<[string, string]> = [];
  const onPath = which("toxiproxy-server");
  if (onPath) candidates.push([onPath, "PATH"]);
  if (executable(toxiproxyPath())) candidates.push([toxiproxyPath(), "built with go install"]);
  for (const [where, source] of candidates) {
    const version = await versionOf(where);
    if (version && atLeast(version, "2.0.0")) return { ok: true, where, version, source };
    reasons.push(`${where} ${version ? `is ${version}, need 2.x` : "reports no version"}`);
  }
  return {
    ok: false,
    why: reasons.length ? reasons.join("; ") : "toxiproxy-server not found",
    fix: findGo() ? SETUP_FIX : `${GO_FIX}, then: ${SETUP_FIX}`,
  };
}

export async function install(_log: Log): Promise<Found> {
  const before = await find();
  if (before.ok) return before;
  const go = findGo();
  if (!go) throw new InstallError("go not found (toxiproxy-server is built with go install)", GO_FIX);
  const gobin = await scratchDir("gobin");
  try {
    const env = { ...process.env, GOBIN: gobin, CGO_ENABLED: "0" };
    const r = await run(go, goInstallArgs(), { env, timeoutMs: 10 * 60_000 });
    if (!ok(r)) throw new InstallError(describeFailure("go install toxiproxy", r), `GOBIN=/tmp ${go} ${goInstallArgs().map((a) => (a.includes(" ") ? `'${a}'` : a)).join(" ")}`);
    const built = (await readdir(gobin))[0];
    if (!built) throw new InstallError("go install produced no binary", SETUP_FIX);
    await mkdir(toolsBin(), { recursive: true });
    await chmod(path.join(gobin, built), 0o755);
    await rename(path.join(gobin, built), toxiproxyPath()); // atomic replace: never a half-written binary
  } finally {
    await rm(gobin, { recursive: true, force: true });
  }
  const after = await find();
  if (!after.ok) throw new InstallError(`built toxiproxy-server but ${after.why}`, SETUP_FIX);
  return after;
}

export const toxiproxy: Component = {
  name: "toxiproxy-server",
  wanted: WANTED,
  optional: false,
  method: "go install (up to a minute)",
  find,
  install,
};
