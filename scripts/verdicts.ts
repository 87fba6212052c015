/**
 * Do verdicts move? The safety net of a refactor, in two questions:
 *
 *   npx tsx scripts/verdicts.ts recheck <invocation-dir…>
 *     re-judges a copy of every saved run with this checkout's `faraday check` and says, run by
 *     run, whether results.json came out byte-identical (checkers are pure: a refactor that
 *     keeps them must keep every byte);
 *
 *   npx tsx scripts/verdicts.ts table <before-dir> <after-dir> [--flaky id,id…]
 *     compares the verdict tables of two live invocations (run id → run verdict and every
 *     check's verdict) and lists each cell that moved, appeared or vanished; cells named in
 *     --flaky (known to flip between runs of one seed) are listed apart.
 *
 * Exit 0 when nothing moved (apart from the flaky), 1 when something did, 2 on bad input.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";

const repo = resolve(import.meta.dirname, "..");

interface SavedRun {
  id: string;
  verdict: string;
  checks?: { name: string; verdict: string }[];
}

/** Run folders of an invocation: those holding a timeline.jsonl. */
function runDirs(dir: string): string[] {
  if (existsSync(join(dir, "timeline.jsonl"))) return [dir];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, "timeline.jsonl")))
    .map((d) => join(dir, d.name))
    .sort();
}

function recheckAll(dirs: string[]): number {
  const scratch = mkdtempSync(join(tmpdir(), "faraday-verdicts-"));
  const pairs: [string, string][] = [];
  for (const inv of dirs)
    for (const run of runDirs(resolve(inv))) {
      if (!existsSync(join(run, "results.json"))) continue;
      const copy = join(scratch, `${basename(inv)}-${basename(run)}`);
      cpSync(run, copy, { recursive: true });
      pairs.push([run, copy]);
    }
  // One `faraday check` over the scratch folder re-judges every copy.
  spawnSync(process.execPath, [join(repo, "bin", "faraday.mjs"), "check", scratch], { cwd: repo, encoding: "utf8", stdio: "ignore" });
  const moved: string[] = [];
  let reformatted = 0;
  for (const [run, copy] of pairs) {
    const before = readFileSync(join(run, "results.json"), "utf8");
    const after = readFileSync(join(copy, "results.json"), "utf8");
    if (before === after) continue;
    // A results format that gained fields (reproduce, cause…) changes bytes, not judgements:
    // the verdict, its reason and every check's verdict, summary and evidence must still agree.
    if (judgement(before) === judgement(after)) reformatted++;
    else moved.push(`${basename(run)}: ${firstDifference(judgement(before, true), judgement(after, true))}`);
  }
  const same = pairs.length - moved.length - reformatted;
  console.log(`recheck: ${same} of ${pairs.length} results.json byte-identical${reformatted ? `, ${reformatted} more with the same judgements in a newer format` : ""}`);
  for (const m of moved) console.log(`  moved  ${m}`);
  return moved.length ? 1 : 0;
}

/** What a re-check decides about a run, in a stable text: verdict, reason, lab break and the checks. */
function judgement(text: string, pretty = false): string {
  const run = ((JSON.parse(text) as { runs?: Record<string, unknown>[] }).runs ?? [])[0] ?? {};
  const { verdict, reason, labBreak, checks, probe, declared } = run;
  return JSON.stringify({ verdict, reason, labBreak, probe, declared, checks }, null, pretty ? 2 : 0);
}

function firstDifference(a: string, b: string): string {
  const la = a.split("\n");
  const lb = b.split("\n");
  const i = la.findIndex((l, k) => l !== lb[k]);
  const at = i < 0 ? la.length : i;
  return `line ${at + 1}: ${JSON.stringify((la[at] ?? "").trim().slice(0, 100))} → ${JSON.stringify((lb[at] ?? "").trim().slice(0, 100))}`;
}

/** run id → "verdict" and run id/check → "verdict". */
function table(dir: string): Map<string, string> {
  const file = join(resolve(dir), "results.json");
  if (!existsSync(file)) throw new Error(`${dir} holds no results.json`);
  const runs = (JSON.parse(readFileSync(file, "utf8")) as { runs: SavedRun[] }).runs;
  const t = new Map<string, string>();
  for (const r of runs) {
    t.set(r.id, r.verdict);
    for (const c of r.checks ?? []) t.set(`${r.id} ${c.name}`, c.verdict);
  }
  return t;
}

function compareTables(a: string, b: string, flaky: string[]): number {
  const [ta, tb] = [table(a), table(b)];
  const keys = [...new Set([...ta.keys(), ...tb.keys()])].sort();
  const moved: string[] = [];
  const known: string[] = [];
  for (const k of keys) {
    const [va, vb] = [ta.get(k) ?? "(absent)", tb.get(k) ?? "(absent)"];
    if (va === vb) continue;
    (flaky.some((f) => k === f || k.startsWith(`${f} `)) ? known : moved).push(`${k}: ${va} → ${vb}`);
  }
  const runs = [...tb.keys()].filter((k) => !k.includes(" ")).length;
  console.log(`table: ${runs} runs, ${keys.length} cells; ${moved.length} moved${known.length ? `, ${known.length} known to flip` : ""}`);
  for (const m of moved) console.log(`  moved  ${m}`);
  for (const m of known) console.log(`  flaky  ${m}`);
  return moved.length ? 1 : 0;
}

const [cmd, ...args] = process.argv.slice(2);
try {
  if (cmd === "recheck" && args.length) process.exit(recheckAll(args));
  if (cmd === "table" && args.length >= 2) {
    const f = args.indexOf("--flaky");
    const flaky = f >= 0 ? (args[f + 1] ?? "").split(",").filter(Boolean) : [];
    process.exit(compareTables(args[0]!, args[1]!, flaky));
  }
  console.error("verdicts: usage: tsx scripts/verdicts.ts recheck <invocation-dir…> | table <before> <after> [--flaky id,…]");
  process.exit(2);
} catch (err) {
  console.error(`verdicts: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}
