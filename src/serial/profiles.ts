import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../lab/errors.ts";
import { clip } from "../report/safeText.ts";

/** What the serial device and the virtual board take from a board profile (fixtures/boards/<name>.json). */
export interface BoardBasics {
  name: string;
  title: string;
  /** Free heap after boot: the virtual board's -X heapsize. */
  freeHeapBytes: number;
  /** The client must go precompiled (.mpy): too large to compile in the board's heap. */
  needsMpy: boolean;
  baud: number;
  /** The friendly REPL's banner line. */
  banner: string;
}

const dir = join(import.meta.dirname, "..", "..", "fixtures", "boards");

/** The profiles there are, by name. */
export function boardNames(): string[] {
  if (!existsSync(dir)) return ["generic"];
  const names = readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5));
  return names.length ? names.sort() : ["generic"];
}

/** A profile by name; an unknown name is one line listing the known ones. */
export function readBoard(name: string): BoardBasics {
  if (!boardNames().includes(name)) throw new InputError(`unknown board profile "${clip(name, 60)}" (boards: ${boardNames().join(", ")}; faraday board list)`);
  const file = join(dir, `${name}.json`);
  const p = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Partial<BoardBasics>) : {};
  return {
    name,
    title: p.title ?? "a MicroPython board",
    freeHeapBytes: p.freeHeapBytes ?? 128 * 1024,
    needsMpy: p.needsMpy ?? false,
    baud: p.baud ?? 115_200,
    banner: p.banner ?? "MicroPython on a virtual board; generic board",
  };
}
