/**
 * A board's budgets, per run of an invocation: the free heap at its low point (the agent's
 * low-water mark, sampled with each heartbeat before any collection) and after collection at
 * its lowest, and the device's CPU use per phase (from the unix device's /proc samples, or on a
 * board from the agent's idle counter: the scenario's own phases, else "connecting" and
 * "connected").
 *
 *   npx tsx scripts/budgets.ts reports/latest      a Markdown table on stdout
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { phaseCpu } from "../src/checks/idleCpu.ts";
import type { TimelineEvent } from "../src/timeline/event.ts";

const dir = process.argv[2] ?? "reports/latest";
const results = JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as { runs: { scenario: string; verdict: string; dir: string; board?: string }[] };
console.log("| scenario | verdict | heap low (bytes) | lowest free after gc (bytes) | CPU per phase (% of one core) |");
console.log("|---|---|---|---|---|");
for (const r of results.runs.sort((a, b) => a.scenario.localeCompare(b.scenario))) {
  let events: TimelineEvent[];
  try {
    events = readFileSync(join(dir, r.dir, "timeline.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as TimelineEvent);
  } catch {
    continue;
  }
  const mems = events.filter((e) => e.src === "device" && e.kind === "mem");
  const low = Math.min(...mems.map((e) => (typeof e.low === "number" ? e.low : Infinity)));
  const free = Math.min(...mems.map((e) => Number(e.free)));
  const cpu = phaseCpu(events)
    .filter((p) => p.wallMs > 0)
    // The agent's idle counter beside the process's accounting, where the device gives both.
    .map((p) => `${p.name} ${p.percent.toFixed(1)}${p.source === "process" && p.agent ? ` (counter ${p.agent.percent.toFixed(1)})` : p.source === "agent" ? " (counter)" : ""}`)
    .join(", ");
  console.log(`| ${r.scenario} | ${r.verdict} | ${Number.isFinite(low) ? low : "—"} | ${Number.isFinite(free) ? free : "—"} | ${cpu || "—"} |`);
}
