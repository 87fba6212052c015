/**
 * The documentation's tables of plug-ins, made from the plug-ins' own descriptors so the two
 * cannot disagree: the checkers (each file's defineChecker) in docs/checkers.md, the faults
 * (defineFault) and the profiles (defineProfile) in README.md. Each table sits between two
 * markers in its file:
 *
 *   <!-- generated: faults (npx tsx scripts/readme.ts) -->  …  <!-- end: faults -->
 *
 *   npx tsx scripts/readme.ts     rewrites every marked table in those files
 *
 * test/unit/plugins.registry.test.ts fails while a file differs from what this makes.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CHECKERS, type CheckerDescriptor } from "../src/checks/index.ts";
import { FAULTS, PROFILES } from "../src/faults/index.ts";

const REPO = resolve(import.meta.dirname, "..");

const cell = (s: string) => s.replace(/\|/g, "\\|");

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`)].join("\n");
}

const checkers = (group: CheckerDescriptor["group"]) =>
  table(
    ["checker", "guarantee", "bound"],
    Object.values(CHECKERS)
      .filter((c) => c.group === group)
      .map((c) => [`\`${c.name}\``, `${c.everyRun ? "*every tapped run:* " : ""}${c.guarantee}`, c.bound]),
  );

/** Each generated file (relative to the repository) with its tables by marker name. */
export function generatedTables(): Record<string, Record<string, string>> {
  return {
    "README.md": {
      faults: table(
        ["fault", "what happens physically", "how the lab makes it"],
        Object.values(FAULTS).map((f) => [`\`${f.name}\``, f.help, f.how]),
      ),
      profiles: table(
        ["profile", "what happens", "made of"],
        Object.values(PROFILES).map((p) => [`\`${p.name}\``, p.help, p.how]),
      ),
    },
    "docs/checkers.md": {
      "resilience checkers": checkers("resilience"),
      "compliance checkers": checkers("compliance"),
    },
  };
}

/** `text` (the file `file`) with every marked table in `sections` replaced by the one the descriptors make. */
export function fillSections(text: string, sections: Record<string, string>, file = "README.md"): string {
  let out = text;
  for (const [name, body] of Object.entries(sections)) {
    const open = `<!-- generated: ${name} (npx tsx scripts/readme.ts) -->`;
    const close = `<!-- end: ${name} -->`;
    const from = out.indexOf(open);
    const to = out.indexOf(close);
    if (from < 0 || to < from) throw new Error(`${file} has no "${open}" … "${close}" pair`);
    out = `${out.slice(0, from + open.length)}\n${body}\n${out.slice(to)}`;
  }
  return out;
}

/** Each generated file under `root`: its text now and the text the descriptors make. */
export function generatedFiles(root = REPO): { file: string; now: string; made: string }[] {
  return Object.entries(generatedTables()).map(([file, sections]) => {
    const now = readFileSync(join(root, file), "utf8");
    return { file, now, made: fillSections(now, sections, file) };
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const { file, now, made } of generatedFiles()) {
    if (made !== now) writeFileSync(join(REPO, file), made);
    console.log(`readme: ${file} ${made === now ? "already up to date" : "tables rewritten"} (${Object.keys(generatedTables()[file]!).join(", ")})`);
  }
}
