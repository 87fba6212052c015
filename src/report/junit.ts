import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { cellKey, type RunResult } from "./run.ts";
import type { GateRecord } from "./results.ts";
import { clip, xmlText } from "./safeText.ts";

/** The most characters of one text or attribute value (a client's megabyte error stays readable in CI). */
const XML_VALUE_MAX = 20_000;

/** How many of the last lines of a run's client.log go into its <system-out>. */
export const CLIENT_LOG_LINES = 60;

/**
 * Text and attribute values quote the client (its errors, topics): controls and what XML 1.0
 * forbids (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F, U+FFFE, U+FFFF, lone surrogates) are
 * rendered visible by xmlText (safeText.ts), so junit.xml is always well-formed.
 */
const esc = (s: string) => xmlText(clip(String(s), XML_VALUE_MAX));

export interface JunitOptions {
  /** Run id → the tail of its client.log (see clientLogTail), shown as the test case's <system-out>. */
  logs?: ReadonlyMap<string, string>;
  /**
   * The gate's classification (results.json's `gate`): each test case gets a
   * `baseline.<check>` property per classified check, and a failed run whose every failing check
   * is a known failure is <skipped message="known failure (baseline): …"> — CI shows it, and it
   * is not the build's failure, as the gate's exit code says.
   */
  gate?: GateRecord;
}

/** A repeat (`--repeat`: id `<cell>.r2`) names itself, so a dashboard keeps each repeat as its own case. */
const repeatTag = (r: RunResult): string => (r.id.startsWith(`${cellKey(r)}.`) ? ` ${r.id.slice(cellKey(r).length + 1)}` : "");

/**
 * junit.xml for CI dashboards: one test case per run, with its start time (`timestamp`). A
 * client's failure is a <failure> whose message is the run's root cause (checks/cause.ts) and
 * whose text is the cause, each failing check with its evidence and the reproduce command; a
 * lab error or an undecided run is an <error> (never a failure of the client); unsupported and
 * skipped runs are <skipped> with their reason. Runs that failed, broke or could not decide
 * carry the last lines of the client's own log in <system-out>.
 */
export function junitXml(runs: RunResult[], name = "faraday", opts: JunitOptions = {}): string {
  const gateOf = new Map<string, Map<string, string>>();
  for (const g of opts.gate?.checks ?? []) {
    if (!gateOf.has(g.cell)) gateOf.set(g.cell, new Map());
    gateOf.get(g.cell)!.set(g.check, g.class);
  }
  const knownOnly = (r: RunResult) => {
    const classes = gateOf.get(cellKey(r));
    const failed = r.checks.filter((c) => c.verdict === "fail");
    return classes !== undefined && failed.length > 0 && failed.every((c) => classes.get(c.name) === "known");
  };
  const count = (v: string[]) => runs.filter((r) => v.includes(r.verdict) && !(r.verdict === "fail" && knownOnly(r))).length;
  const skipped = runs.filter((r) => r.verdict === "unsupported" || r.verdict === "skip" || (r.verdict === "fail" && knownOnly(r))).length;
  const cases = runs.map((r) => {
    const attrs = `classname="${esc(`${r.scenario}`)}" name="${esc(`${r.client} v${r.protocol} ${r.broker} (${r.device})${repeatTag(r)}`)}" time="${(r.durationMs / 1000).toFixed(3)}"${r.startedAt ? ` timestamp="${esc(r.startedAt)}"` : ""}`;
    // Compliance cells carry their feature and spec section, so a dashboard can group by them;
    // a gated run, each check's class against the baseline.
    const props = [
      ...(r.feature ? [["feature", r.feature.id], ["spec", r.feature.spec], ...(r.probe ? [["probe", r.probe]] : [])] : []),
      ...[...(gateOf.get(cellKey(r)) ?? [])].map(([check, cls]) => [`baseline.${check}`, cls]),
    ];
    let body = props.length ? `<properties>${props.map(([k, v]) => `<property name="${esc(k!)}" value="${esc(v!)}"/>`).join("")}</properties>` : "";
    const reproduce = r.reproduce ? `\nreproduce: ${r.reproduce}` : "";
    if (r.verdict === "fail") {
      const failed = r.checks.filter((c) => c.verdict === "fail");
      const message = r.cause?.line ?? failed.map((c) => c.name).join(", ");
      const text = [...(r.cause ? [`cause: ${r.cause.line}`] : []), ...failed.map((c) => `${c.name}: ${c.summary}\n${c.evidence.map((e) => `  ${e.text}`).join("\n")}`)].join("\n") + reproduce;
      body += knownOnly(r) ? `<skipped message="${esc(`known failure (baseline): ${message}`)}"/>` : `<failure message="${esc(message)}">${esc(text)}</failure>`;
    } else if (r.verdict === "error" || r.verdict === "unknown") {
      const undecided = r.checks.filter((c) => c.verdict === "unknown").map((c) => `${c.name}: ${c.summary}`);
      // A broken run's checks are shown for what happened, marked as not judged.
      const shown = r.labBreak && r.checks.length ? [`not judged: the lab broke at ${(r.labBreak.t / 1000).toFixed(3)} s`, ...r.checks.map((c) => `  ${c.name} ${c.verdict}: ${c.summary}`)] : undecided;
      body += `<error message="${esc(r.reason ?? r.cause?.line ?? `${r.verdict}: ${undecided[0] ?? ""}`)}">${esc(shown.join("\n") + reproduce)}</error>`;
    } else if (r.verdict === "unsupported" || r.verdict === "skip") {
      body += `<skipped message="${esc(`${r.verdict}: ${r.reason ?? ""}`)}"/>`;
    }
    const log = r.verdict === "fail" || r.verdict === "error" || r.verdict === "unknown" ? opts.logs?.get(r.id) : undefined;
    if (log) body += `<system-out>${esc(log)}</system-out>`;
    return `    <testcase ${attrs}>${body}</testcase>`;
  });
  const time = runs.reduce((s, r) => s + r.durationMs, 0) / 1000;
  const first = runs.map((r) => r.startedAt).filter((t) => t).sort()[0];
  const totals = `tests="${runs.length}" failures="${count(["fail"])}" errors="${count(["error", "unknown"])}" skipped="${skipped}" time="${time.toFixed(3)}"`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="${esc(name)}" ${totals}>`,
    `  <testsuite name="${esc(name)}" ${totals}${first ? ` timestamp="${esc(first)}"` : ""}>`,
    ...cases,
    `  </testsuite>`,
    `</testsuites>`,
    "",
  ].join("\n");
}

/**
 * The last `n` lines of a run's client.log (the client's own words, as the runner wrote them),
 * or undefined when there is none. Made safe where it is written (esc above).
 */
export function clientLogTail(runDir: string, n = CLIENT_LOG_LINES): string | undefined {
  const file = join(runDir, "client.log");
  if (!existsSync(file)) return undefined;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  const lines = text.replace(/\n$/, "").split("\n");
  if (lines.length === 1 && lines[0] === "") return undefined;
  const tail = lines.slice(-n);
  return (lines.length > n ? `… ${lines.length - n} earlier line(s) in client.log\n` : "") + tail.join("\n");
}

/**
 * junit.xml in `dir`, with each failed, broken or undecided run's client.log tail: a run's folder
 * is its `dir` (absolute, or relative to `dir`, as results.json holds it).
 */
export function writeJunit(dir: string, runs: RunResult[], name?: string, opts: Omit<JunitOptions, "logs"> = {}): void {
  const logs = new Map<string, string>();
  for (const r of runs) {
    if (r.verdict !== "fail" && r.verdict !== "error" && r.verdict !== "unknown") continue;
    if (!r.dir) continue;
    const tail = clientLogTail(resolve(dir, r.dir));
    if (tail) logs.set(r.id, tail);
  }
  writeFileSync(join(dir, "junit.xml"), junitXml(runs, name, { ...opts, logs }));
}
