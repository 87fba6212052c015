import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, readdirSync, readlinkSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { privateTmp, processesUnder, repo, type CliResult } from "./lab.ts";
import { firstSchemaError } from "../../src/report/schema.ts";

/**
 * The regression gate end to end (issue 13), with real processes: real MicroPython clients
 * (test/fixtures/clients/), real mosquitto, real Toxiproxy, the real CLI — run as a user would,
 * from a folder of their own (the scratch folder is the working directory, so reports/ and
 * faraday-baseline.json land where the README says they do).
 *
 *   1. a baseline written from revision 1 of a client gates revision 2, which has one more bug;
 *   2. merging two shards gives the unsharded run's verdict table;
 *   3. compare of two saved runs lists a planted flip;
 *   4. --repeat 5 of a client that fails one run in three shows intermittent 2/5;
 *   5. every results.json written on the way validates against schemas/results.schema.json.
 */

const FIXTURES = join(repo, "test", "fixtures", "clients");

/** The real CLI in `cwd`, with `cwd` as its TMPDIR too (every sandbox, and flaky's counter, in there). */
function cli(args: string[], cwd: string): CliResult {
  const r = spawnSync(process.execPath, [join(repo, "bin", "faraday.mjs"), ...args], {
    cwd,
    env: { ...process.env, TMPDIR: cwd },
    encoding: "utf8",
    timeout: 180_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const show = (r: CliResult) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;

interface Run {
  id: string;
  seed: number;
  verdict: string;
  baseline?: { class: string };
  checks: { name: string; verdict: string }[];
}
interface Results {
  runs: Run[];
  gate?: { baseline: string; exit: number; counts: Record<string, number>; checks: { cell: string; check: string; class: string }[]; newCells: string[]; vanished: string[] };
}

const readJson = (dir: string): Results => JSON.parse(readFileSync(join(dir, "results.json"), "utf8"));
/** The invocation `<reports>/latest` points at. */
const latest = (reports: string) => join(reports, readlinkSync(join(reports, "latest")));

/** Every results.json under `root` (invocations, runs, merges): each must match the schema. */
function expectEveryResultsValid(root: string): number {
  let n = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === "results.json") {
        expect(firstSchemaError("results", JSON.parse(readFileSync(p, "utf8"))), p).toBeUndefined();
        n++;
      }
    }
  };
  walk(root);
  return n;
}

/** run id → verdict, and "run id check" → verdict (scripts/verdicts.ts table). */
function table(dir: string): Map<string, string> {
  const t = new Map<string, string>();
  for (const r of readJson(dir).runs) {
    t.set(r.id, r.verdict);
    for (const c of r.checks) t.set(`${r.id} ${c.name}`, c.verdict);
  }
  return t;
}

const failing = (r: Run) => r.checks.filter((c) => c.verdict === "fail").map((c) => c.name);

describe("a baseline from revision 1 of a client gates revision 2", () => {
  // gate-r1 and gate-r2: one manifest name (gated); r2 is r1 plus one regression (publish()
  // drops the RETAIN flag), which only v3-retain-set sees. r1's known failure: v3-session-present.
  const SCENARIOS = ["v3-connect-accepted", "v3-session-present", "v3-retain-set"];
  const NEW_CELL = "v3-retain-set.gated.v3.1.1.mosquitto";
  const KNOWN_CELL = "v3-session-present.gated.v3.1.1.mosquitto";

  it("exit 1 naming exactly the new failure; revision 1 again exits 0 with known: N; check keeps the gate honest", () => {
    const home = privateTmp();
    const r1 = cli(["run", ...SCENARIOS, "--client-path", join(FIXTURES, "gate-r1")], home);
    expect(r1.code, show(r1)).toBe(1);
    const first = readJson(latest(join(home, "reports")));
    const byId = new Map(first.runs.map((r) => [r.id, r]));
    expect(byId.get(KNOWN_CELL)?.verdict).toBe("fail");
    expect(byId.get(NEW_CELL)?.verdict).toBe("pass");
    const known = first.runs.flatMap(failing).length;
    expect(known).toBeGreaterThan(0);

    const b = cli(["baseline", "write", "reports/latest"], home);
    expect(b.code, show(b)).toBe(0);
    expect(b.stdout).toContain(`faraday: baseline of 3 cell(s), `);
    expect(b.stdout).toContain(`, ${known} known failure(s) → faraday-baseline.json`);
    const baseline = JSON.parse(readFileSync(join(home, "faraday-baseline.json"), "utf8")) as { cells: Record<string, { checks: Record<string, { verdict: string; reason?: string }> }> };
    expect(Object.keys(baseline.cells).sort()).toEqual(first.runs.map((r) => r.id).sort());
    for (const name of failing(byId.get(KNOWN_CELL)!)) expect(baseline.cells[KNOWN_CELL]!.checks[name]).toEqual({ verdict: "fail", reason: "TODO: a finding or issue URL" });

    // Revision 2: one more bug. Exit 1, and the new failures are exactly the regression's cell.
    const r2 = cli(["run", ...SCENARIOS, "--client-path", join(FIXTURES, "gate-r2"), "--baseline", "faraday-baseline.json"], home);
    expect(r2.code, show(r2)).toBe(1);
    const r2dir = join("reports", readlinkSync(join(home, "reports", "latest")));
    const second = readJson(join(home, r2dir));
    const regression = failing(second.runs.find((r) => r.id === NEW_CELL)!);
    expect(regression).toContain("delivered");
    const gateLine = r2.stdout.split("\n").find((l) => l.startsWith("gate ("));
    expect(gateLine).toBe(`gate (faraday-baseline.json): new failures: ${regression.length}, known: ${known}, fixed: 0, new passes: 0, new cells: 0, vanished: 0, not judged: 0 — exit 1`);
    const named = r2.stdout.split("\n").filter((l) => l.includes("NEW FAILURE"));
    expect(named.map((l) => l.trim().split(/\s{2,}/).slice(1, 3))).toEqual(regression.sort().map((check) => [NEW_CELL, `${check}: now fail, baseline pass`]));
    expect(second.gate?.exit).toBe(1);
    expect(second.gate?.checks.filter((c) => c.class === "new-failure")).toEqual(regression.map((check) => expect.objectContaining({ cell: NEW_CELL, check, class: "new-failure" })));
    expect(second.runs.map((r) => [r.id, r.baseline?.class])).toEqual(
      expect.arrayContaining([
        [NEW_CELL, "new-failure"],
        [KNOWN_CELL, "known"],
      ]),
    );
    // junit.xml: the known failure is skipped (not the build's failure), the new one fails.
    const junit = readFileSync(join(home, r2dir, "junit.xml"), "utf8");
    expect(junit).toMatch(/<testcase classname="v3-session-present"[^>]*>.*<skipped message="known failure \(baseline\): /);
    expect(junit).toMatch(/<testcase classname="v3-retain-set"[^>]*>.*<failure message=/);

    // Revision 1 again: every failure known, exit 0.
    const again = cli(["run", ...SCENARIOS, "--client-path", join(FIXTURES, "gate-r1"), "--baseline", "faraday-baseline.json"], home);
    expect(again.code, show(again)).toBe(0);
    expect(again.stdout).toContain(`gate (faraday-baseline.json): new failures: 0, known: ${known}, `);
    expect(again.stdout).not.toContain("NEW FAILURE");

    // faraday check re-judges revision 2's runs: against the baseline again while it is there…
    expect(readJson(join(home, r2dir)).gate?.exit).toBe(1);
    const check = cli(["check", r2dir], home);
    expect(check.code, show(check)).toBe(1);
    expect(check.stdout).toContain(`faraday: ${r2dir}: judged again against faraday-baseline.json`);
    expect(readJson(join(home, r2dir)).gate?.counts["new-failure"]).toBe(regression.length);
    // …and without it, the stale gate is dropped rather than kept.
    renameSync(join(home, "faraday-baseline.json"), join(home, "elsewhere.json"));
    const blind = cli(["check", r2dir], home);
    expect(blind.code, show(blind)).toBe(1);
    expect(blind.stdout).toMatch(/its gate against faraday-baseline\.json no longer holds and was dropped/);
    const dropped = readJson(join(home, r2dir));
    expect(dropped.gate).toBeUndefined();
    expect(dropped.runs.every((r) => r.baseline === undefined)).toBe(true);

    expect(expectEveryResultsValid(join(home, "reports"))).toBe(3 * 4); // 3 invocations, each with 3 runs
    expect(processesUnder(home)).toEqual([]);
  });
});

describe("saved runs of the MQTT.js reference: shards, merge, compare", () => {
  const SCENARIOS = ["v3-connect-accepted", "v5-connect-accepted", "v3-retain-set", "v5-retain-set", "v3-qos1-device-to-peer"];
  let home: string;
  let whole: string;

  beforeAll(() => {
    home = privateTmp();
    const r = cli(["run", ...SCENARIOS, "--device", "node", "--seed", "7", "--out", "whole"], home);
    expect(r.code, show(r)).toBe(0);
    whole = latest(join(home, "whole"));
  }, 120_000);

  it("merge of shards 1/2 and 2/2 = the unsharded run's verdict table", () => {
    const ids: string[][] = [];
    for (const s of ["1/2", "2/2"]) {
      const r = cli(["run", ...SCENARIOS, "--device", "node", "--seed", "7", "--shard", s, "--out", `shard-${s[0]}`], home);
      expect(r.code, show(r)).toBe(0);
      expect(r.stdout).toContain(`— shard ${s} of mqttjs`);
      ids.push(readJson(latest(join(home, `shard-${s[0]}`))).runs.map((x) => x.id));
    }
    // Each shard a part, together the whole, no run twice.
    expect(ids.every((x) => x.length > 0)).toBe(true);
    expect(ids.flat().sort()).toEqual(readJson(whole).runs.map((r) => r.id).sort());

    const m = cli(["report", "merge", "shard-1", "shard-2", "--out", "merged"], home);
    expect(m.code, show(m)).toBe(0);
    expect(m.stdout).toMatch(/^faraday: merged 5 run\(s\) from 2 input\(s\): 5 pass — /);
    for (const f of ["results.json", "junit.xml", "report.html"]) expect(existsSync(join(home, "merged", f))).toBe(true);
    const merged = table(join(home, "merged"));
    expect(merged.size).toBeGreaterThan(5);
    expect(merged).toEqual(table(whole));
    // The same, as the refactoring script reads it.
    const t = spawnSync(join(repo, "node_modules", ".bin", "tsx"), [join(repo, "scripts", "verdicts.ts"), "table", whole, join(home, "merged")], { encoding: "utf8" });
    expect(t.status, t.stdout + t.stderr).toBe(0);
    expect(t.stdout).toMatch(/0 moved/);
    expect(expectEveryResultsValid(home)).toBeGreaterThan(0);
    expect(processesUnder(home)).toEqual([]);
  });

  it("compare of two saved runs lists a planted flip (exit 1), and the way back as a fix (exit 0)", () => {
    const planted = join(home, "planted");
    cpSync(whole, planted, { recursive: true });
    const file = readJson(planted);
    const cell = "v3-connect-accepted.mqttjs.v3.1.1.mosquitto";
    const run = file.runs.find((r) => r.id === cell)!;
    run.checks.find((c) => c.name === "delivered")!.verdict = "fail";
    run.verdict = "fail";
    writeFileSync(join(planted, "results.json"), JSON.stringify(file, null, 2) + "\n");

    const c = cli(["report", "compare", whole, "planted"], home);
    expect(c.code, show(c)).toBe(1);
    const lines = c.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/\(5 runs, 5 cells\) → planted \(5 runs, 5 cells\): new failures: 1, fixes: 0, other changes: 0, flips: 1, appeared: 0, vanished: 0, duration drift: 0$/);
    expect(lines.slice(1)).toEqual([expect.stringMatching(new RegExp(`^  new failure  ${cell.replace(/\./g, "\\.")}  delivered: pass → fail`)), `  flip         ${cell}: pass → fail`]);

    const back = cli(["report", "compare", "planted", whole], home);
    expect(back.code, show(back)).toBe(0);
    expect(back.stdout).toContain(`  fixed        ${cell}  delivered: fail → pass`);
    expect(expectEveryResultsValid(home)).toBeGreaterThan(0);
  });
});

describe("--repeat", () => {
  it("--repeat 5 on a client that fails one run in three shows intermittent 2/5, with each failure's evidence; its baseline tolerates that rate", () => {
    // flaky counts its starts in $TMPDIR/faraday-flaky-runs (a fresh folder here): runs 2 and 5 drop RETAIN.
    const home = privateTmp();
    const cell = "v3-retain-set.flaky.v3.1.1.mosquitto";
    const r = cli(["run", "v3-retain-set", "--client-path", join(FIXTURES, "flaky"), "--repeat", "5", "--seed", "40"], home);
    expect(r.code, show(r)).toBe(1);
    expect(r.stdout).toContain("faraday: 5 run(s) (1 cell(s) × 5 repeats) of flaky");
    const out = r.stdout.split("\n");
    const at = out.indexOf("faraday: 5 repeats of 1 cell(s) — per check, how often it failed:");
    expect(at, r.stdout).toBeGreaterThan(0);
    expect(out[at + 1]).toBe(`  ${cell}: fail (intermittent 2/5)`);
    expect(out).toContain("    delivered: fail (intermittent 2/5)");
    expect(out.filter((l) => /^ {6}run \d+ \(seed 40\): peer late receives .* "on": never arrived$/.test(l)).map((l) => l.trim().split(" ")[1])).toEqual(["2", "5"]);

    const inv = latest(join(home, "reports"));
    const runs = readJson(inv).runs;
    expect(runs.map((x) => [x.id, x.seed, x.verdict])).toEqual([1, 2, 3, 4, 5].map((k) => [k === 1 ? cell : `${cell}.r${k}`, 40, k === 2 || k === 5 ? "fail" : "pass"]));
    for (const x of runs) expect(existsSync(join(inv, x.id, "timeline.jsonl"))).toBe(true);

    // The baseline records the rate; five more runs (6…10: only 8 unlucky, 1/5 ≤ 2/5) are known.
    const b = cli(["baseline", "write", "reports/latest"], home);
    expect(b.code, show(b)).toBe(0);
    expect(readFileSync(join(home, "faraday-baseline.json"), "utf8")).toContain('"delivered": { "verdict": "fail", "failed": "2/5", "reason": "TODO: a finding or issue URL" }');
    const g = cli(["run", "v3-retain-set", "--client-path", join(FIXTURES, "flaky"), "--repeat", "5", "--baseline", "faraday-baseline.json"], home);
    expect(g.code, show(g)).toBe(0);
    expect(g.stdout).toContain(`  ${cell}: fail (intermittent 1/5)`);
    expect(g.stdout).toMatch(/gate \(faraday-baseline\.json\): new failures: 0, known: 2, .* — exit 0/);
    expect(expectEveryResultsValid(join(home, "reports"))).toBe(2 * 6);
    expect(processesUnder(home)).toEqual([]);
  });
});
