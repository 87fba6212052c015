// `faraday setup`: obtain whatever is missing, and nothing else. Runs as npm's
// postinstall too, where a failure must explain itself but not break npm install.
import { readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { components } from "./components.ts";
import { display, toolsDir } from "./paths.ts";
import { InstallError, type Component, type FindResult, type Log } from "./types.ts";

export interface SetupOptions {
  /** Print only installs and failures, not the "already there" lines. */
  quiet?: boolean;
  /** Called from npm postinstall: report failures, but always return true. */
  fromNpm?: boolean;
  log?: Log;
  /** For tests and partial setups: the components to consider (default: all). */
  only?: Component[];
}

const PREFIX = "faraday setup:";

/** Scratch folders of an interrupted run: old enough that no running setup owns them. */
async function sweepScratch(): Promise<void> {
  const base = path.join(toolsDir(), "tmp");
  let names: string[];
  try {
    names = await readdir(base);
  } catch {
    return;
  }
  const hourAgo = Date.now() - 3_600_000;
  for (const n of names) {
    const p = path.join(base, n);
    try {
      if ((await stat(p)).mtimeMs < hourAgo) await rm(p, { recursive: true, force: true });
    } catch {
      // gone already
    }
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export async function setup(opts: SetupOptions = {}): Promise<boolean> {
  const log: Log = opts.log ?? ((l) => console.log(l));
  const list = opts.only ?? components();
  await sweepScratch();
  // find() is cheap (cached probes); run them together so a no-op setup stays well under 2 s.
  const found: FindResult[] = await Promise.all(list.map((c) => c.find()));
  let failedRequired = false;
  const failures: string[] = [];

  for (const [i, c] of list.entries()) {
    const f = found[i];
    if (f?.ok) {
      if (!opts.quiet) log(`${PREFIX} ${c.name} ok (${display(f.where)}, ${f.version})`);
      continue;
    }
    const head = `${PREFIX} ${c.name} ${c.wanted} ...`;
    log(`${head} installing with ${c.method}`);
    const t0 = Date.now();
    try {
      const r = await c.install((line) => {
        if (!opts.quiet) log(`${PREFIX}   ${line}`);
      });
      log(`${head} ok (${display(r.where)}, ${r.version}, ${seconds(Date.now() - t0)})`);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const fix = e instanceof InstallError ? e.fix : f && !f.ok ? f.fix : "npx faraday setup";
      log(`${head} FAILED${c.optional ? " (optional)" : ""}: ${msg}`);
      log(`${PREFIX}   fix: ${fix}`);
      failures.push(c.name);
      if (!c.optional) failedRequired = true;
    }
  }

  if (failures.length && opts.fromNpm) {
    log(`${PREFIX} not ready (${failures.join(", ")}); npm install goes on — fix the above, then run: npx faraday doctor`);
    return true;
  }
  return !failedRequired;
}
