/**
 * Flippers (issue 15 item 5): checks whose verdict changes between runs of the same cell with the
 * same seed. Runs one `faraday run … --repeat N --seed S` per client (the gate's repeats: repeat
 * k of a cell is `<cell>.r<k>`), then reads every results.json and lists, per cell, each check
 * that failed in some repeats but not all (its k/N rate) and each cell the lab broke in some
 * repeats — a markdown table, written to a file and printed. A check that fails every time is a
 * steady failure, not a flipper, and is left out (it is in the runs' own summary).
 *
 *   npx tsx scripts/flippers.ts --repeat 5 --seed 7 --client aiomqttc --client mqtt_as=<checkout> \
 *     --out <dir> -- --suite resilience --protocol 3.1.1 --parallel 3
 *   npx tsx scripts/flippers.ts --from <dir>/aiomqttc --from <dir>/mqtt_as   # tabulate saved runs
 *
 * `--client name` or `--client name=<folder>` (its --client-path), repeatable (default: the
 * default client); everything after `--` goes to every `faraday run` as it is. The table lands in
 * `<out>/flippers.md` (with `--from` and no `--out`: in the first folder named), or `--table
 * <file>`. Exit 0 when nothing flipped, 1 when something did, 2 on bad input.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { observeCells, tallyText } from "../src/gate/cells.ts";
import { readResultsFile } from "../src/report/results.ts";
import type { RunResult } from "../src/report/run.ts";

/** One flipping check (or a lab that broke in some repeats) of one cell. */
export interface Flip {
  cell: string;
  /** The check's name, or `(lab error)` for runs the lab broke in. */
  check: string;
  failed: number;
  of: number;
  /** The first failure: its run id and the check's summary (or the lab's reason). */
  first: { run: string; summary: string };
}

const LAB = "(lab error)";

/** Every flip of the runs: per cell, each check failing in some but not all of the runs that decided it, and lab errors in some runs. */
export function flips(runs: readonly RunResult[]): Flip[] {
  const out: Flip[] = [];
  for (const o of observeCells(runs).values()) {
    const broke = o.runs.filter((r) => r.verdict === "error");
    if (broke.length && broke.length < o.runs.length)
      out.push({ cell: o.cell, check: LAB, failed: broke.length, of: o.runs.length, first: { run: broke[0]!.id, summary: broke[0]!.reason ?? broke[0]!.labBreak?.reason ?? "the lab broke" } });
    for (const t of o.checks.values()) {
      if (!/^\d+\/\d+$/.test(tallyText(t))) continue;
      const r = o.runs.find((x) => x.verdict !== "error" && x.checks.some((c) => c.name === t.name && c.verdict === "fail"))!;
      const c = r.checks.find((x) => x.name === t.name && x.verdict === "fail")!;
      out.push({ cell: o.cell, check: t.name, failed: t.failed, of: t.failed + t.passed, first: { run: r.id, summary: c.summary } });
    }
  }
  return out;
}

const cellText = (s: string): string => s.replace(/\|/g, "\\|").replace(/\s+/g, " ").slice(0, 300);

/** The markdown table of the flips, with a header naming what was run. */
export function flipTable(all: Flip[], ran: { cells: number; runs: number; sources: string[] }): string {
  const lines = [
    `# Flippers`,
    ``,
    `${ran.runs} runs of ${ran.cells} cells (${ran.sources.join("; ")}).`,
    ``,
  ];
  if (!all.length) return [...lines, "No check flipped.", ""].join("\n");
  lines.push("| cell | check | failed | first failure |", "|---|---|---|---|");
  for (const f of all) lines.push(`| ${f.cell} | ${f.check} | ${f.failed}/${f.of} | ${cellText(`${f.first.run}: ${f.first.summary}`)} |`);
  return [...lines, ""].join("\n");
}

function main(argv: string[]): number {
  const sep = argv.indexOf("--");
  const own = sep >= 0 ? argv.slice(0, sep) : argv;
  const passOn = sep >= 0 ? argv.slice(sep + 1) : [];
  const opt = (name: string): string | undefined => {
    const i = own.indexOf(name);
    return i >= 0 ? own[i + 1] : undefined;
  };
  const many = (name: string): string[] => own.flatMap((a, i) => (a === name && own[i + 1] !== undefined ? [own[i + 1]!] : []));
  const repeat = Number(opt("--repeat") ?? 5);
  const seed = Number(opt("--seed") ?? 7);
  if (!Number.isInteger(repeat) || repeat < 2 || !Number.isInteger(seed)) {
    console.error("flippers: --repeat takes a whole number ≥ 2, --seed a whole number");
    return 2;
  }
  const repo = resolve(import.meta.dirname, "..");
  let sources = many("--from").map((d) => resolve(d));
  const out = resolve(opt("--out") ?? (sources[0] ?? mkdtempSync(join(tmpdir(), "faraday-flippers-"))));
  if (!sources.length) {
    const clients = many("--client");
    for (const spec of clients.length ? clients : ["aiomqttc"]) {
      const [name, path] = spec.includes("=") ? [spec.slice(0, spec.indexOf("=")), spec.slice(spec.indexOf("=") + 1)] : [spec, undefined];
      const dir = join(out, name!);
      mkdirSync(dir, { recursive: true });
      const args = ["run", ...passOn, "--client", name!, ...(path ? ["--client-path", path] : []), "--repeat", String(repeat), "--seed", String(seed), "--out", dir];
      console.log(`flippers: faraday ${args.join(" ")}`);
      const r = spawnSync(process.execPath, [join(repo, "bin", "faraday.mjs"), ...args], { cwd: repo, stdio: "inherit" });
      if (r.status === 2 && !existsSync(join(dir, "latest", "results.json"))) {
        console.error(`flippers: faraday run for ${name} exited 2 with no results`);
        return 2;
      }
      sources.push(join(dir, "latest"));
    }
  }
  sources = sources.map((s) => (existsSync(join(s, "latest", "results.json")) ? join(s, "latest") : s));
  const runs: RunResult[] = [];
  const described: string[] = [];
  for (const s of sources) {
    const f = readResultsFile(s);
    runs.push(...f.runs);
    described.push(`\`${f.command}\``);
  }
  const found = flips(runs);
  const table = flipTable(found, { cells: observeCells(runs).size, runs: runs.length, sources: described });
  const file = resolve(opt("--table") ?? join(out, "flippers.md"));
  writeFileSync(file, table);
  console.log(table);
  console.log(`flippers: ${found.length} flip(s) — ${file}`);
  return found.length ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("flippers.ts")) process.exit(main(process.argv.slice(2)));
