import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readlinkSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const repo = resolve(import.meta.dirname, "..", "..");
const bin = join(repo, "bin", "faraday.mjs");

/** A private TMPDIR per invocation: every sandbox of that run lives under it. */
export function privateTmp(): string {
  return mkdtempSync(join(tmpdir(), "faraday-e2e-"));
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the real CLI, as a user would, with its own TMPDIR and report folder. */
export function faraday(args: string[], opts: { tmp?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): CliResult {
  const tmp = opts.tmp ?? privateTmp();
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: repo,
    env: { ...process.env, TMPDIR: tmp, ...opts.env },
    encoding: "utf8",
    timeout: opts.timeoutMs ?? 180_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Start the CLI without waiting, for interruption tests. */
export function faradayAsync(args: string[], tmp: string, env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [bin, ...args], { cwd: repo, env: { ...process.env, ...env, TMPDIR: tmp }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((r) => child.on("exit", (code) => r({ code, stdout, stderr })));
  return { child, done, out: () => stdout };
}

/** Processes whose working directory or command line lies under `dir` (a run's TMPDIR). */
export function processesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      if (cwd.startsWith(dir) || cmd.includes(dir)) out.push(`${pid} ${cmd.slice(0, 120)}`);
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

export function readResults(outDir: string): { runs: { verdict: string; reason?: string; protocol: string; checks: { name: string; verdict: string; evidence: { text: string }[] }[] }[] } {
  return JSON.parse(readFileSync(join(outDir, "latest", "results.json"), "utf8"));
}
