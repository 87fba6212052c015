/**
 * Benchmark and stability check: runs `faraday run …` N times back to back (same seed unless
 * told otherwise) and reports, per round, wall time, CPU time (user + sys of faraday and every
 * child: brokers, proxies, MicroPython) and the verdict of every run — then whether the verdicts
 * were the same in every round. Speed is measured here, never asserted in a timed test.
 *
 *   npm run bench -- --repeat 5 -- run --suite resilience --device node --seed 7 --parallel 2
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const argv = process.argv.slice(2);
const sep = argv.indexOf("--");
const own = sep >= 0 ? argv.slice(0, sep) : [];
const faradayArgs = sep >= 0 ? argv.slice(sep + 1) : argv;
const repeat = Number(own[own.indexOf("--repeat") + 1] ?? 3) || 3;
if (faradayArgs[0] !== "run") {
  console.error("bench: usage: npm run bench -- [--repeat N] -- run <scenario…|--suite name> [faraday options]");
  process.exit(2);
}
const repo = resolve(import.meta.dirname, "..", "..");
const outRoot = mkdtempSync(join(tmpdir(), "faraday-bench-"));

interface Round {
  round: number;
  wallS: number;
  cpuS: number;
  exit: number | null;
  verdicts: Record<string, string>;
}
const rounds: Round[] = [];
for (let i = 1; i <= repeat; i++) {
  const out = join(outRoot, `round-${i}`);
  // GNU time reports the CPU of the whole process tree that was waited for.
  const r = spawnSync("/usr/bin/time", ["-f", "%e %U %S", process.execPath, join(repo, "bin", "faraday.mjs"), ...faradayArgs, "--out", out], {
    cwd: repo,
    encoding: "utf8",
    stdio: ["ignore", "ignore", "pipe"],
  });
  const last = r.stderr.trim().split("\n").pop() ?? "";
  const [wall, user, sys] = last.split(" ").map(Number);
  const results = JSON.parse(readFileSync(join(out, "latest", "results.json"), "utf8")) as { runs: { id: string; verdict: string }[] };
  const verdicts = Object.fromEntries(results.runs.map((x) => [x.id, x.verdict]));
  rounds.push({ round: i, wallS: wall ?? NaN, cpuS: (user ?? 0) + (sys ?? 0), exit: r.status, verdicts });
  const tally = Object.values(verdicts).reduce<Record<string, number>>((a, v) => ((a[v] = (a[v] ?? 0) + 1), a), {});
  console.log(`round ${i}/${repeat}: ${wall?.toFixed(1)} s wall, ${((user ?? 0) + (sys ?? 0)).toFixed(1)} s CPU, exit ${r.status}, ${JSON.stringify(tally)}`);
}
const first = JSON.stringify(rounds[0]!.verdicts);
const differing = rounds.filter((r) => JSON.stringify(r.verdicts) !== first).map((r) => r.round);
const walls = rounds.map((r) => r.wallS);
const summary = {
  command: ["faraday", ...faradayArgs].join(" "),
  repeat,
  wallS: { min: Math.min(...walls), max: Math.max(...walls), mean: walls.reduce((a, b) => a + b, 0) / walls.length },
  cpuS: rounds.map((r) => r.cpuS),
  sameVerdictsEveryRound: differing.length === 0,
  roundsThatDiffer: differing,
  rounds,
};
writeFileSync(join(outRoot, "bench.json"), JSON.stringify(summary, null, 2) + "\n");
console.log(
  `bench: ${repeat} rounds, wall ${summary.wallS.min.toFixed(1)}–${summary.wallS.max.toFixed(1)} s (mean ${summary.wallS.mean.toFixed(1)}), ` +
    `${differing.length === 0 ? "same verdicts every round" : `verdicts differ in rounds ${differing.join(", ")}`} — ${join(outRoot, "bench.json")}`,
);
process.exit(differing.length === 0 ? 0 : 1);
