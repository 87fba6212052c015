// The device runtime: MicroPython's unix port, 1.25. Users elsewhere usually
// have `micropython` on PATH; then an explicit FARADAY_MICROPYTHON; on Debian 12
// (no micropython package) we build a private Debian 13 root (debianRoot.ts).
import { executable, which } from "./exec.ts";
import { buildRoot, canBuildRoot, MANUAL_FIX, rootArgv, rootComplete } from "./debianRoot.ts";
import { micropythonRoot } from "./paths.ts";
import { forgetProbes, probe } from "./probe.ts";
import { InstallError, SETUP_FIX, type Component, type Found, type FindResult, type Log } from "./types.ts";
import { atLeast } from "./version.ts";

export const WANTED = "1.25.0";
/** Oldest runtime accepted from PATH or FARADAY_MICROPYTHON. */
export const MIN_VERSION = "1.25.0";

/** sys.implementation._mpy decoded: bytecode version, sub-version and native arch. */
export interface MpyInfo {
  raw: number;
  /** "6.3": what `mpy-cross --version` reports as "emitting mpy v6.3". */
  version: string;
  arch: number;
}

export interface MicroPythonFound extends Found {
  /** Program and leading arguments; append a script path or `-c code`. */
  argv: string[];
  mpy: MpyInfo;
}

// One line: name, version, _mpy (0 when the build does not say).
export const PROBE_CODE = "import sys;i=sys.implementation;print(i.name,'.'.join(str(x) for x in i.version[:3]),getattr(i,'_mpy',0))";

/** _mpy = version | sub-version << 8 | native arch << 10 (py/persistentcode.h). */
export function decodeMpy(raw: number): MpyInfo {
  return { raw, version: `${raw & 0xff}.${(raw >> 8) & 3}`, arch: raw >> 10 };
}

export function parseProbe(out: string): { version: string; mpy: MpyInfo } | undefined {
  const m = /^micropython (\d+\.\d+\.\d+) (\d+)\s*$/m.exec(out);
  if (!m?.[1] || !m[2]) return undefined;
  return { version: m[1], mpy: decodeMpy(Number(m[2])) };
}

async function tryArgv(argv: string[], where: string, source: string): Promise<MicroPythonFound | string> {
  const p = await probe([...argv, "-c", PROBE_CODE]);
  const parsed = parseProbe(p.out);
  if (!parsed) return `${where} did not run (${p.out.trim().split("\n").slice(-1)[0] || `exit ${p.code}`})`;
  if (!atLeast(parsed.version, MIN_VERSION)) return `${where} is MicroPython ${parsed.version}, need ${MIN_VERSION}+`;
  return { ok: true, where, version: parsed.version, source, argv, mpy: parsed.mpy };
}

export async function find(): Promise<FindResult<MicroPythonFound>> {
  const reasons: string[] = [];
  const onPath = which("micropython");
  if (onPath) {
    const r = await tryArgv([onPath], onPath, "PATH");
    if (typeof r !== "string") return r;
    reasons.push(r);
  }
  const env = process.env.FARADAY_MICROPYTHON?.trim();
  if (env) {
    if (!executable(env)) reasons.push(`FARADAY_MICROPYTHON=${env} is not an executable file`);
    else {
      const r = await tryArgv([env], env, "FARADAY_MICROPYTHON");
      if (typeof r !== "string") return r;
      reasons.push(r);
    }
  }
  const root = micropythonRoot();
  if (rootComplete(root)) {
    const r = await tryArgv(rootArgv(root), root, "private Debian 13 root");
    if (typeof r !== "string") return r;
    reasons.push(r);
  } else {
    reasons.push(`no micropython on PATH and no complete private root at ${root}`);
  }
  return { ok: false, why: reasons.join("; "), fix: canBuildRoot() ? SETUP_FIX : MANUAL_FIX };
}

export async function install(log: Log): Promise<MicroPythonFound> {
  const before = await find();
  if (before.ok) return before;
  await buildRoot(log, async (argv) => {
    const r = await tryArgv(argv, "the new root's micropython", "check");
    if (typeof r === "string") throw new InstallError(r, "rm -rf .tools/micropython-root .tools/apt-trixie && npx faraday setup");
  });
  forgetProbes();
  const after = await find();
  if (!after.ok) throw new InstallError(`built the private root but ${after.why}`, "rm -rf .tools/micropython-root && npx faraday setup");
  return after;
}

export const micropython: Component<MicroPythonFound> = {
  name: "micropython",
  wanted: WANTED,
  optional: false,
  method: "a private Debian 13 root (apt-get download + dpkg-deb, about 10 s)",
  find,
  install,
};
