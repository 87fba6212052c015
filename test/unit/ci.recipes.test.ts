// The CI recipes call only commands that exist: every `faraday …` / `npx faraday …` command
// line in docs/ci/github-actions.yml, docs/ci/gitlab-ci.yml and the README's shell blocks is
// handed to the real CLI (bin/faraday.mjs, as CI would run it) with `--help` appended — the
// CLI's one way to parse a command line strictly and then do nothing — and must parse; the
// values the CLI checks after --help (protocol, shard, scenario ids and suites) are checked
// here with the CLI's own functions. A typo in any option fails: each command line is also
// given with its first option misspelt, and that must be refused.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseProtocols } from "../../src/cli/options.ts";
import { parseShard } from "../../src/gate/shard.ts";
import { loadScenarios, select } from "../../src/scenario/registry.ts";

const repo = resolve(import.meta.dirname, "..", "..");
const bin = join(repo, "bin", "faraday.mjs");

/** Where command lines are read: the two CI recipes, and the README's ```sh blocks. */
const FILES = ["docs/ci/github-actions.yml", "docs/ci/gitlab-ci.yml", "README.md"];

/**
 * What a CI variable stands for when the command runs. A command with a `${{ … }}` expression
 * not listed here fails the test: add a sample value.
 */
const SAMPLES: [RegExp, string][] = [
  [/\$\{\{\s*matrix\.shard\s*\}\}/g, "1"],
  [/\$CI_NODE_INDEX\b/g, "1"],
  [/\$CI_NODE_TOTAL\b/g, "4"],
];

export interface CommandLine {
  file: string;
  line: number;
  /** As written (continuation lines joined). */
  text: string;
  /** The words after `faraday`, CI variables replaced by their samples. */
  args: string[];
}

/**
 * The shell words of a command, up to the first unquoted operator (`&&`, `||`, `;`, `|`, a
 * redirection) or comment: quotes joined into their word, variables and globs left as written.
 */
export function shellWords(s: string): string[] {
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    if (c === "'" || c === '"') {
      const j = s.indexOf(c, i + 1);
      if (j < 0) throw new Error(`unbalanced ${c} in: ${s}`);
      cur += s.slice(i + 1, j);
      inWord = true;
      i = j + 1;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
      i++;
    } else if ((c === "#" && !inWord) || "|&;<>".includes(c)) {
      if (inWord && !(c === ">" && /^\d+$/.test(cur))) words.push(cur);
      return words;
    } else {
      cur += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** Every faraday command line of a file: YAML `run:` / `script:` lines and items, or the shell blocks of a Markdown file. */
export function commandLines(file: string, text: string): CommandLine[] {
  const lines = text.split("\n");
  const markdown = file.endsWith(".md");
  const out: CommandLine[] = [];
  let fence: "sh" | "other" | undefined;
  for (let i = 0; i < lines.length; i++) {
    const first = i;
    let l = lines[i]!;
    if (markdown) {
      if (/^```/.test(l)) {
        fence = fence ? undefined : /^```(sh|bash|shell|console)\s*$/.test(l) ? "sh" : "other";
        continue;
      }
      if (fence !== "sh") continue;
    }
    while (l.endsWith("\\") && i + 1 < lines.length) l = `${l.slice(0, -1)} ${lines[++i]!.trim()}`;
    // The shell of a YAML line: after a list item's "- " and a "run:" / "script:" key.
    const sh = l.trim().replace(/^-\s+/, "").replace(/^(run|script):\s*/, "");
    if (sh.startsWith("#")) continue;
    for (const m of sh.matchAll(/(?:^|&&|\|\||;|\|)\s*((?:npx\s+)?faraday\s)/g)) {
      const from = m.index + m[0].length - m[1]!.length;
      let cmd = sh.slice(from);
      for (const [re, v] of SAMPLES) cmd = cmd.replace(re, v);
      const words = shellWords(cmd);
      out.push({ file, line: first + 1, text: sh.slice(from), args: words.slice(words[0] === "npx" ? 2 : 1) });
    }
  }
  return out;
}

const all = FILES.flatMap((f) => commandLines(f, readFileSync(join(repo, f), "utf8")));
const ci = all.filter((c) => c.file.startsWith("docs/ci/"));

const tmp = mkdtempSync(join(tmpdir(), "faraday-ci-recipes-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The real CLI on a command line, `--help` appended: exit 0 when it parses. */
function cli(args: readonly string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, ...args, "--help"], { cwd: repo, env: { ...process.env, TMPDIR: tmp }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", fail);
    child.on("close", (code) => done({ code, out }));
  });
}

/** Each distinct command line through the CLI, two at a time (the CLI starts in about half a second). */
async function cliAll(lines: readonly (readonly string[])[]): Promise<Map<string, { code: number | null; out: string }>> {
  const todo = [...new Set(lines.map((a) => JSON.stringify(a)))];
  const results = new Map<string, { code: number | null; out: string }>();
  const worker = async () => {
    for (let k = todo.shift(); k !== undefined; k = todo.shift()) results.set(k, await cli(JSON.parse(k) as string[]));
  };
  await Promise.all([worker(), worker()]);
  return results;
}

/** Options of run that take no value; every other option takes the word after it. */
const FLAGS = new Set(["help", "strict"]);

/** The CLI's own checks of the values it reads after --help, for the commands that have them. */
async function checkValues(args: readonly string[]): Promise<void> {
  if (args[0] !== "run") return;
  const values = new Map<string, string>();
  const positionals: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith("--")) positionals.push(a);
    else if (a.includes("=")) values.set(a.slice(2, a.indexOf("=")), a.slice(a.indexOf("=") + 1));
    else if (!FLAGS.has(a.slice(2))) values.set(a.slice(2), args[++i] ?? "");
  }
  if (values.has("protocol")) parseProtocols(values.get("protocol")!);
  if (values.has("shard")) parseShard(values.get("shard")!);
  select(await loadScenarios(), positionals, values.get("suite"));
}

/** The command line with its first option misspelt (two different letters swapped): "--suite" → "--usite". */
function misspelt(args: readonly string[]): { args: string[]; typo: string } | undefined {
  const i = args.findIndex((a) => /^--[a-z][a-z-]+$/.test(a) && a !== "--help");
  if (i < 0) return undefined;
  const name = args[i]!.slice(2);
  const k = [...name].findIndex((ch, j) => j > 0 && ch !== name[j - 1]) - 1;
  const typo = `--${name.slice(0, k)}${name[k + 1]}${name[k]}${name.slice(k + 2)}`;
  return { args: args.map((a, j) => (j === i ? typo : a)), typo };
}

/** Every CI command line that has an option, with that option misspelt. */
const typos = ci.flatMap((c) => {
  const m = misspelt(c.args);
  return m ? [{ c, ...m }] : [];
});

const clipath = ci.find((c) => c.args[0] === "run" && c.args.includes("--client-path"));
const noClientPath = clipath?.args.map((a) => (a === "--client-path" ? "--clientpath" : a)) ?? [];

let results = new Map<string, { code: number | null; out: string }>();
beforeAll(async () => {
  results = await cliAll([...all.map((c) => c.args), ...typos.map((t) => t.args), noClientPath]);
}, 120_000);
const ran = (args: readonly string[]) => results.get(JSON.stringify(args))!;

const label = (c: CommandLine) => `${c.file}:${c.line} faraday ${c.args.join(" ")}`;

describe("the command lines found", () => {
  it("each CI recipe sets up with npm ci and doctor, runs a shard, and merges the shards against a baseline", () => {
    for (const f of ["docs/ci/github-actions.yml", "docs/ci/gitlab-ci.yml"]) {
      const mine = ci.filter((c) => c.file === f);
      const has = (what: string, p: (a: string[]) => boolean) => expect(mine.some((c) => p(c.args)), `${f}: ${what}`).toBe(true);
      has("faraday doctor", (a) => a[0] === "doctor");
      has("faraday run … --shard i/n", (a) => a[0] === "run" && a.includes("--shard") && a.includes("--client-path"));
      has("faraday report merge … --out … --baseline …", (a) => a[0] === "report" && a[1] === "merge" && a.includes("--out") && a.includes("--baseline"));
      expect(readFileSync(join(repo, f), "utf8")).toMatch(/npm ci\b/);
    }
  });

  it("the README's CI section names the gate's commands", () => {
    const readme = all.filter((c) => c.file === "README.md").map((c) => c.args);
    expect(readme.some((a) => a[0] === "baseline" && a[1] === "write")).toBe(true);
    expect(readme.some((a) => a[0] === "run" && a.includes("--baseline"))).toBe(true);
    expect(readme.some((a) => a[0] === "report" && a[1] === "compare")).toBe(true);
  });

  it("every CI variable has a sample", () => {
    for (const c of all) expect(c.args.join(" "), label(c)).not.toMatch(/\$\{\{/);
  });

  it("the extractor finds commands wherever a shell runs them, and only there", () => {
    const yaml = [
      "      - run: npx faraday list",
      "        run: |",
      "          npx faraday run broker-crash \\",
      "            --protocol 5 --out ../x && faraday check ../x/latest || true",
      "  # npx faraday run commented-out",
      "      - name: faraday shard 1",
      "        with: { path: faraday }",
      "    - cd faraday; npx faraday doctor 2>&1 | tee doctor.txt",
    ].join("\n");
    expect(commandLines("x.yml", yaml).map((c) => [c.line, c.args.join(" ")])).toEqual([
      [1, "list"],
      [3, "run broker-crash --protocol 5 --out ../x"],
      [3, "check ../x/latest"],
      [8, "doctor"],
    ]);
    expect(shellWords(`faraday report merge "$DIR"/out/* --out 'a b' # done`)).toEqual(["faraday", "report", "merge", "$DIR/out/*", "--out", "a b"]);
  });
});

describe("every faraday command line parses with the real CLI", () => {
  it.each(all.map((c) => [label(c), c] as const))("%s", async (_, c) => {
    const r = ran(c.args);
    expect(r.code, `${label(c)}\n${r.out}`).toBe(0);
    await checkValues(c.args);
  });
});

describe("a misspelt option is refused (what keeps the check above honest)", () => {
  it("a case for every CI command line that has an option", () => {
    expect(typos.length).toBe(ci.filter((c) => c.args.some((a) => a.startsWith("--"))).length);
    expect(typos.length).toBeGreaterThanOrEqual(4);
  });

  it.each(typos.map((t) => [`${label(t.c)}, with ${t.typo}`, t] as const))("%s", (_, t) => {
    const r = ran(t.args);
    expect(r.code, r.out).toBe(2);
    expect(r.out).toContain(`unknown option ${t.typo}`);
  });

  it("the CI recipe's shard command with --clientpath for --client-path", () => {
    const r = ran(noClientPath);
    expect(r.code, r.out).toBe(2);
    expect(r.out).toContain("unknown option --clientpath (did you mean --client-path?)");
  });

  it("a value the CLI checks after parsing: --protocol 4, --shard 5/4, an unknown suite", async () => {
    await expect(checkValues(["run", "--suite", "resilience", "--protocol", "4"])).rejects.toThrow(/unknown protocol "4"/);
    await expect(checkValues(["run", "--suite", "resilience", "--shard", "5/4"])).rejects.toThrow(/--shard wants i\/n/);
    await expect(checkValues(["run", "--suite", "resilence"])).rejects.toThrow(/unknown suite "resilence"/);
  });
});
