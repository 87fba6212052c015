// Cached "run it and read its version" probes. A second `faraday setup` or every
// `requireTools()` would otherwise start each tool again; the answer only changes
// when the binary changes, so the cache key is the command line plus size, mtime
// and inode of every file named in it.
import { readFileSync, renameSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { run, type RunResult } from "./exec.ts";
import { toolsDir } from "./paths.ts";

interface Entry {
  key: string;
  code: number | null;
  out: string;
}

const CACHE_NAME = "probe-cache.json";
let memo: { file: string; entries: Record<string, Entry> } | undefined;

function cacheFile(): string {
  return path.join(toolsDir(), CACHE_NAME);
}

function load(): Record<string, Entry> {
  const file = cacheFile();
  if (memo?.file === file) return memo.entries;
  let entries: Record<string, Entry> = {};
  try {
    entries = JSON.parse(readFileSync(file, "utf8")) as Record<string, Entry>;
  } catch {
    // missing or corrupt: start empty, it is only a cache
  }
  memo = { file, entries };
  return entries;
}

function save(entries: Record<string, Entry>): void {
  const file = cacheFile();
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(entries, null, 1));
    renameSync(tmp, file); // atomic, so a concurrent reader never sees half a file
  } catch {
    // read-only tools folder: just don't cache
  }
}

/** Fingerprint of the files an argv names; undefined when one of them is gone. */
export function fingerprint(argv: readonly string[]): string | undefined {
  const parts: string[] = [];
  for (const a of argv) {
    if (!path.isAbsolute(a)) continue;
    try {
      const s = statSync(a);
      if (s.isFile()) parts.push(`${a}:${s.size}:${Math.floor(s.mtimeMs)}:${s.ino}`);
    } catch {
      return undefined;
    }
  }
  return parts.join("|");
}

/** The combined stdout+stderr of a short command, from the cache when nothing changed. */
export async function probe(argv: readonly string[], timeoutMs = 10_000): Promise<{ code: number | null; out: string; run?: RunResult }> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error("probe: empty argv");
  const id = argv.join("\u0000");
  const fp = fingerprint(argv);
  const entries = load();
  const hit = entries[id];
  if (fp !== undefined && hit && hit.key === fp) return { code: hit.code, out: hit.out };
  const r = await run(file, args, { timeoutMs });
  const out = `${r.stdout}${r.stderr}`;
  // Only cache answers from programs that actually ran; a timeout may be a fluke.
  if (fp !== undefined && r.error === undefined && !r.timedOut) {
    entries[id] = { key: fp, code: r.code, out };
    save(entries);
  }
  return { code: r.code, out, run: r };
}

/** Forget cached probes (after an install replaced a binary in place with the same stat). */
export function forgetProbes(): void {
  memo = undefined;
  try {
    writeFileSync(cacheFile(), "{}");
  } catch {
    // nothing to forget
  }
}
