// Child-process helpers shared by the tool modules: every call has a timeout and
// keeps its output, because a failed install is only fixable when the user sees
// what the underlying command said.
import { execFile } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { mkdir, mkdtemp } from "node:fs/promises";
import path from "node:path";
import { toolsDir } from "./paths.ts";

export interface RunResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** spawn error such as ENOENT (the program does not exist). */
  error?: string;
}

export interface RunOptions {
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Run a program without a shell; never rejects, the caller decides what a failure means. */
export function run(file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeout = opts.timeoutMs ?? 10_000;
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { timeout, cwd: opts.cwd, env: opts.env ?? process.env, maxBuffer: 16 * 1024 * 1024, encoding: "utf8", killSignal: "SIGKILL" },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: string | number; killed?: boolean; signal?: string }) | null;
        const timedOut = Boolean(e?.killed) && e?.signal === "SIGKILL";
        const code = e == null ? 0 : typeof e.code === "number" ? e.code : null;
        const r: RunResult = { code, signal: e?.signal ?? null, stdout: String(stdout), stderr: String(stderr), timedOut };
        if (e && typeof e.code === "string") r.error = `${e.code}: ${e.message}`;
        resolve(r);
      },
    );
  });
}

/** True when the command ran and exited 0. */
export function ok(r: RunResult): boolean {
  return r.code === 0 && !r.timedOut && r.error === undefined;
}

/** One line describing why a command failed, with the tail of its output. */
export function describeFailure(what: string, r: RunResult, tailLines = 6): string {
  if (r.error) return `${what}: ${r.error}`;
  if (r.timedOut) return `${what}: timed out`;
  const out = (r.stderr.trim() || r.stdout.trim()).split("\n").slice(-tailLines).join(" | ");
  return `${what} exited ${r.code ?? r.signal}${out ? `: ${out}` : ""}`;
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Search PATH (plus optional extra folders) for an executable, like `command -v`. */
export function which(name: string, extraDirs: readonly string[] = []): string | undefined {
  if (name.includes("/")) return isExecutable(name) ? path.resolve(name) : undefined;
  const dirs = (process.env.PATH ?? "").split(path.delimiter).filter(Boolean).concat(extraDirs);
  for (const d of dirs) {
    const p = path.join(d, name);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

export function executable(p: string): boolean {
  return isExecutable(p);
}

export function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/**
 * A scratch folder inside the tools folder, so finished artifacts can be moved
 * into place with rename() (a /tmp scratch may be another filesystem: EXDEV).
 */
export async function scratchDir(prefix: string): Promise<string> {
  const base = path.join(toolsDir(), "tmp");
  await mkdir(base, { recursive: true });
  return mkdtemp(path.join(base, `${prefix}-`));
}
