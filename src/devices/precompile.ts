import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { LabError, oneLine } from "../lab/errors.ts";

/**
 * Compile a client's Python sources to .mpy into `outDir`, keeping the package layout, as a
 * user freezes or precompiles a client for a small board. `module` names the package or
 * module to take from `packageDir`; without it every .py at the top of the folder is taken.
 */
export function precompileClient(mpyCross: string, packageDir: string, module: string | undefined, outDir: string): string[] {
  const sources: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".py")) sources.push(p);
    }
  };
  if (module && existsSync(join(packageDir, module)) && statSync(join(packageDir, module)).isDirectory()) walk(join(packageDir, module));
  else if (module && existsSync(join(packageDir, `${module}.py`))) sources.push(join(packageDir, `${module}.py`));
  else for (const name of readdirSync(packageDir)) if (name.endsWith(".py") && name !== "faraday_adapter.py") sources.push(join(packageDir, name));
  const compiled: string[] = [];
  for (const src of sources) {
    const out = join(outDir, relative(packageDir, src)).replace(/\.py$/, ".mpy");
    mkdirSync(dirname(out), { recursive: true });
    try {
      execFileSync(mpyCross, ["-o", out, "-s", relative(packageDir, src), src], { stdio: ["ignore", "ignore", "pipe"], timeout: 30_000 });
      compiled.push(out);
    } catch (err) {
      // A demo or test file of the package that does not compile is not the client.
      if (src.endsWith("__init__.py") || sources.length === 1) throw new LabError(`mpy-cross could not compile ${src}: ${oneLine(err)}`);
    }
  }
  return compiled;
}

/**
 * Compile one file (the adapter, a shim, the board module) to .mpy next to where it will be
 * imported from. The source name the .mpy carries (tracebacks show it) is the module's own
 * file name, never the host's path: a path under a run's folder would make each run's .mpy
 * differ (copied to a board every time) and put this machine's paths on the board.
 */
export function precompileFile(mpyCross: string, src: string, out: string): void {
  try {
    execFileSync(mpyCross, ["-o", out, "-s", basename(out).replace(/\.mpy$/, ".py"), src], { stdio: ["ignore", "ignore", "pipe"], timeout: 30_000 });
  } catch (err) {
    throw new LabError(`mpy-cross could not compile ${src}: ${oneLine(err)}`);
  }
}
