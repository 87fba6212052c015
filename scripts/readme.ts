/**
 * The README's tables of plug-ins, made from the plug-ins' own descriptors so the two cannot
 * disagree: the checkers (each file's defineChecker), the faults (defineFault) and the
 * profiles (defineProfile). Each table sits between two markers in README.md:
 *
 *   <!-- generated: faults (npx tsx scripts/readme.ts) -->  …  <!-- end: faults -->
 *
 *   npx tsx scripts/readme.ts     rewrites every marked table in README.md
 *
 * test/unit/plugins.registry.test.ts fails while README.md differs from what this makes.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CHECKERS, type CheckerDescriptor } from "../src/checks/index.ts";
import { FAULTS, PROFILES } from "../src/faults/index.ts";

export const README = resolve(import.meta.dirname, "..", "README.md");

const cell = (s: string) => s.replace(/\|/g, "\\|");

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`)].join("\n");
}

const checkers = (group: CheckerDescriptor["group"]) =>
  table(
    ["checker", "guarantee", "bound"],
    Object.values(CHECKERS)
      .filter((c) => c.group === group)
      .map((c) => [`\`${c.name}\``, c.guarantee, c.bound]),
  );

/** Each generated table by its marker name. */
export function readmeSections(): Record<string, string> {
  return {
    "resilience checkers": checkers("resilience"),
    "compliance checkers": checkers("compliance"),
    faults: table(
      ["fault", "what happens physically", "how the lab makes it"],
      Object.values(FAULTS).map((f) => [`\`${f.name}\``, f.help, f.how]),
    ),
    profiles: table(
      ["profile", "what happens", "made of"],
      Object.values(PROFILES).map((p) => [`\`${p.name}\``, p.help, p.how]),
    ),
  };
}

/** `text` with every marked table replaced by the one the descriptors make. */
export function fillSections(text: string, sections = readmeSections()): string {
  let out = text;
  for (const [name, body] of Object.entries(sections)) {
    const open = `<!-- generated: ${name} (npx tsx scripts/readme.ts) -->`;
    const close = `<!-- end: ${name} -->`;
    const from = out.indexOf(open);
    const to = out.indexOf(close);
    if (from < 0 || to < from) throw new Error(`README.md has no "${open}" … "${close}" pair`);
    out = `${out.slice(0, from + open.length)}\n${body}\n${out.slice(to)}`;
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const before = readFileSync(README, "utf8");
  const after = fillSections(before);
  if (after !== before) writeFileSync(README, after);
  console.log(`readme: ${after === before ? "already up to date" : "tables rewritten"} (${Object.keys(readmeSections()).join(", ")})`);
}
