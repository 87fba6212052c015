// Where the lab keeps what `faraday setup` obtains. Everything lives under one
// git-ignored folder so a fresh checkout can rebuild it and `rm -rf .tools`
// is a complete reset.
import { fileURLToPath } from "node:url";
import path from "node:path";

/** The repository root, found from this file (src/tools/paths.ts), not from cwd. */
export const repoRoot: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** `<repo>/.tools`, or $FARADAY_TOOLS. Read on every call so tests and setup can redirect it. */
export function toolsDir(): string {
  const env = process.env.FARADAY_TOOLS;
  return env && env.trim() !== "" ? path.resolve(env) : path.join(repoRoot, ".tools");
}

/** Single binaries we place ourselves (toxiproxy-server, mpy-cross). */
export function toolsBin(): string {
  return path.join(toolsDir(), "bin");
}

/** The private Debian 13 root that carries MicroPython and its own glibc. */
export function micropythonRoot(): string {
  return path.join(toolsDir(), "micropython-root");
}

/** apt's private state for that root (sources list, lists, downloaded .debs). */
export function aptStateDir(): string {
  return path.join(toolsDir(), "apt-trixie");
}

/** MicroPython client packages extracted from PyPI wheels. */
export function clientsDir(): string {
  return path.join(toolsDir(), "clients");
}

/** Short form for messages: relative to the repo when inside it, absolute otherwise. */
export function display(p: string): string {
  const rel = path.relative(repoRoot, p);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : p;
}
