import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * The layers of src/, read from the code's own imports. Type-only imports count: two modules
 * whose types import each other cannot be read, or moved, apart.
 * - mqtt/ (the MQTT vocabulary) imports nothing of the project;
 * - checks/ imports only checks/, mqtt/ and timeline/: checkers are pure functions of a timeline;
 * - no cycle between files, and none between folders of src/ (cli.ts, the entry point, aside).
 */
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");

/** What checks/ may import, besides its own files. */
const CHECKS_MAY_IMPORT = ["mqtt", "timeline"];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? tsFiles(join(dir, d.name)) : d.name.endsWith(".ts") ? [join(dir, d.name)] : [],
  );
}

const posixPath = (p: string): string => p.split("\\").join(posix.sep);

/**
 * The relative modules a file names, as TypeScript's own pre-processor reads them (so comments
 * and strings are not taken for imports): `import … from`, `import type … from`, bare
 * `import "…"`, `export … from` and `import("…")`. Paths are relative to src/.
 */
export function relativeImports(file: string, code: string): string[] {
  const specs = new Set(ts.preProcessFile(code, true, true).importedFiles.map((f) => f.fileName).filter((s) => s.startsWith(".")));
  return [...specs].map((s) => posixPath(relative(SRC, resolve(dirname(file), s))));
}

/** The folder of src/ a file belongs to ("." for a file at the top, such as cli.ts). */
const folderOf = (f: string): string => (f.includes("/") ? f.slice(0, f.indexOf("/")) : ".");

/**
 * The cycles of a graph, one per tangle (strongly connected group: every member reaches every
 * other), each named by its shortest cycle through the tangle's first member; `tangle` lists
 * all members, since cutting the one cycle named may leave another.
 */
export function cycles(graph: ReadonlyMap<string, ReadonlySet<string>>): { cycle: string[]; tangle: string[] }[] {
  // Tarjan's strongly connected components.
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const tangles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1 || graph.get(v)?.has(v)) tangles.push(group.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return tangles.map((tangle) => {
    // Breadth-first from the first member back to itself, inside the tangle.
    const start = tangle[0]!;
    const inTangle = new Set(tangle);
    const prev = new Map<string, string>();
    const queue = [start];
    while (queue.length) {
      const v = queue.shift()!;
      for (const w of [...(graph.get(v) ?? [])].sort()) {
        if (!inTangle.has(w)) continue;
        if (w === start) {
          const path = [v];
          while (path[0] !== start) path.unshift(prev.get(path[0]!)!);
          return { cycle: [...path, start], tangle };
        }
        if (!prev.has(w)) {
          prev.set(w, v);
          queue.push(w);
        }
      }
    }
    return { cycle: [start, start], tangle };
  });
}

const files = tsFiles(SRC).map((f) => ({ name: posixPath(relative(SRC, f)), imports: relativeImports(f, readFileSync(f, "utf8")) }));

/** The files behind a folder's import of another, for a message that says where to cut. */
function why(from: string, to: string): string {
  const edges = files.flatMap((f) => (folderOf(f.name) === from ? f.imports.filter((i) => folderOf(i) === to).map((i) => `${f.name} → ${i}`) : []));
  return edges.slice(0, 3).join(", ") + (edges.length > 3 ? `, and ${edges.length - 3} more` : "");
}

const described = ({ cycle, tangle }: { cycle: string[]; tangle: string[] }, unit = ""): string => {
  const rest = tangle.filter((m) => !cycle.includes(m));
  return cycle.map((m) => m + unit).join(" → ") + (rest.length ? ` (tangled with ${rest.map((m) => m + unit).join(", ")})` : "");
};

describe("architecture: the layers of src/", () => {
  it("reads every kind of import the code uses, and none in comments or strings", () => {
    const code = [
      'import type { A } from "../a/x.ts";',
      'import { b,\n  type C } from "./y.ts";',
      'export { d } from "../d/z.ts";',
      'export type * from "./t.ts";',
      'import "./side.ts";',
      'const m = await import("../m/dyn.ts");',
      'import mqtt from "mqtt";',
      '// import { gone } from "./commented.ts";',
      '/** import { doc } from "./doc.ts" */ const s = `import { t } from "./template.ts"`;',
    ].join("\n");
    expect(relativeImports(join(SRC, "checks/check.ts"), code).sort()).toEqual(["a/x.ts", "checks/side.ts", "checks/t.ts", "checks/y.ts", "d/z.ts", "m/dyn.ts"]);
    expect(files.length).toBeGreaterThan(50);
    expect(files.find((f) => f.name === "cli.ts")?.imports.length).toBeGreaterThan(3);
  });

  it("finds a cycle, names it from its first member, and lists the rest of its tangle", () => {
    const g = new Map(Object.entries({ a: ["b"], b: ["c", "d"], c: ["a"], d: ["b"], e: ["a"], f: ["f"] }).map(([k, v]) => [k, new Set(v)]));
    expect(cycles(g)).toEqual([
      { cycle: ["a", "b", "c", "a"], tangle: ["a", "b", "c", "d"] },
      { cycle: ["f", "f"], tangle: ["f"] },
    ]);
    expect(cycles(new Map([["a", new Set(["b"])], ["b", new Set<string>()]]))).toEqual([]);
  });

  it("every relative import names a file of src/", () => {
    const known = new Set(files.map((f) => f.name));
    const missing = files.flatMap((f) => f.imports.filter((i) => !known.has(i)).map((i) => `${f.name} → ${i}`));
    expect(missing, "imports this test cannot follow (name the file, with its .ts extension)").toEqual([]);
  });

  it("has no import cycle between files, import type included", () => {
    const found = cycles(new Map(files.map((f) => [f.name, new Set(f.imports)]))).map((c) => described(c));
    expect(found, `import cycles between files:\n  ${found.join("\n  ")}\n`).toEqual([]);
  });

  it("has no import cycle between folders of src/ (cli.ts aside)", () => {
    const graph = new Map<string, Set<string>>();
    for (const f of files) {
      const from = folderOf(f.name);
      if (from === ".") continue;
      for (const to of f.imports.map(folderOf)) if (to !== "." && to !== from) (graph.get(from) ?? graph.set(from, new Set()).get(from)!).add(to);
    }
    const found = cycles(graph).map((c) => `${described(c, "/")}: ${c.cycle.slice(1).map((to, k) => why(c.cycle[k]!, to)).join("; ")}`);
    expect(found, `import cycles between folders:\n  ${found.join("\n  ")}\n`).toEqual([]);
  });

  it("checks/ imports only checks/, mqtt/ and timeline/: checkers are pure functions of a timeline", () => {
    const outside = files
      .filter((f) => folderOf(f.name) === "checks")
      .flatMap((f) => f.imports.filter((i) => ![...CHECKS_MAY_IMPORT, "checks"].includes(folderOf(i))).map((i) => `${f.name} → ${i}`));
    expect(outside, `checks/ imports outside checks/, ${CHECKS_MAY_IMPORT.map((d) => `${d}/`).join(", ")}:\n  ${outside.join("\n  ")}\n`).toEqual([]);
  });

  it("mqtt/ imports nothing of the project: it is the vocabulary every layer shares", () => {
    const outside = files.filter((f) => folderOf(f.name) === "mqtt").flatMap((f) => f.imports.filter((i) => folderOf(i) !== "mqtt").map((i) => `${f.name} → ${i}`));
    expect(outside, `mqtt/ imports the project:\n  ${outside.join("\n  ")}\n`).toEqual([]);
  });
});
