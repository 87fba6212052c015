import { createHash } from "node:crypto";
import type { RawRepl } from "./rawRepl.ts";

/** One file for the board's flash: where it goes there, and its bytes. */
export interface BoardFile {
  path: string;
  data: Buffer;
}

/** The manifest on the board: one `sha256 path` line per file the lab put there. */
export const MANIFEST = "faraday.hashes";

/** Bytes per write on the board: small enough for an ESP8266's heap to decode. */
const CHUNK = 1536;

export function sha256(b: Buffer): string {
  return createHash("sha256").update(b).digest("hex");
}

export function parseManifest(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const g = /^([0-9a-f]{64}) (.+)$/.exec(line.trim());
    if (g) m.set(g[2]!, g[1]!);
  }
  return m;
}

/** The files whose hash differs from the board's manifest (or that it lacks). */
export function changedFiles(files: readonly BoardFile[], onBoard: ReadonlyMap<string, string>): BoardFile[] {
  return files.filter((f) => onBoard.get(f.path) !== sha256(f.data));
}

const py = (s: string) => JSON.stringify(s); // a JSON string of ASCII is a Python string literal

/**
 * Copy what changed to the board through the raw REPL, then the new manifest. A file is
 * written in pieces of base64 (no control byte ever crosses the REPL) and the manifest last,
 * so a copy cut short is copied again next time.
 */
export async function deploy(repl: RawRepl, files: readonly BoardFile[], progress?: (path: string) => void): Promise<{ copied: string[]; kept: number; removed: string[] }> {
  const text = await repl.exec(`try:\n print(open(${py(MANIFEST)}).read())\nexcept OSError:\n pass\n`, 10_000, "reading the board's manifest");
  const onBoard = parseManifest(text);
  const todo = changedFiles(files, onBoard);
  // What the lab put there before and puts no more (a .py now sent as .mpy would shadow it).
  const stale = [...onBoard.keys()].filter((p) => !files.some((f) => f.path === p));
  const dirs = [...new Set(todo.flatMap((f) => parents(f.path)))];
  if (todo.length) {
    await repl.exec(`import os\nfor d in ${JSON.stringify(dirs)}:\n try:\n  os.mkdir(d)\n except OSError:\n  pass\n`, 10_000, "making folders on the board");
    // The manifest goes first without the files about to change: a copy cut short is redone.
    await writeManifest(repl, new Map([...onBoard].filter(([p]) => !todo.some((f) => f.path === p))));
  }
  for (const f of todo) {
    progress?.(f.path);
    for (let i = 0; i === 0 || i < f.data.length; i += CHUNK) {
      const b64 = f.data.subarray(i, i + CHUNK).toString("base64");
      await repl.exec(`import binascii\nf=open(${py(f.path)},${py(i === 0 ? "wb" : "ab")})\nf.write(binascii.a2b_base64(${py(b64)}))\nf.close()\n`, 15_000, `copying ${f.path} to the board`);
    }
  }
  if (stale.length)
    await repl.exec(`import os\nfor p in ${JSON.stringify(stale)}:\n try:\n  os.remove(p)\n except OSError:\n  pass\n`, 10_000, "removing files the lab no longer uses from the board");
  if (todo.length || stale.length) {
    const all = new Map<string, string>();
    for (const f of files) all.set(f.path, sha256(f.data));
    await writeManifest(repl, all);
  }
  return { copied: todo.map((f) => f.path), kept: files.length - todo.length, removed: stale };
}

async function writeManifest(repl: RawRepl, m: ReadonlyMap<string, string>): Promise<void> {
  const text = [...m].map(([p, h]) => `${h} ${p}\n`).join("");
  await repl.exec(`f=open(${py(MANIFEST)},"w")\nf.write(${py(text)})\nf.close()\n`, 10_000, "writing the board's manifest");
}

/** "lib/mqtt_as/__init__.py" → ["lib", "lib/mqtt_as"]. */
function parents(path: string): string[] {
  const parts = path.split("/").slice(0, -1);
  return parts.map((_, i) => parts.slice(0, i + 1).join("/"));
}
