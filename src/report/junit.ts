import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunResult } from "./run.ts";
import { clip, xmlText } from "./safeText.ts";

/** The most characters of one text or attribute value (a client's megabyte error stays readable in CI). */
const XML_VALUE_MAX = 20_000;

/**
 * Text and attribute values quote the client (its errors, topics): controls and what XML 1.0
 * forbids (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F, U+FFFE, U+FFFF, lone surrogates) are
 * rendered visible by xmlText (safeText.ts), so junit.xml is always well-formed.
 */
const esc = (s: string) => xmlText(clip(String(s), XML_VALUE_MAX));

/**
 * junit.xml for CI dashboards: one test case per run. A client's failure is a <failure> with
 * its evidence; a lab error or an undecided run is an <error> (never a failure of the client);
 * unsupported and skipped runs are <skipped> with their reason.
 */
export function junitXml(runs: RunResult[], name = "faraday"): string {
  const count = (v: string[]) => runs.filter((r) => v.includes(r.verdict)).length;
  const cases = runs.map((r) => {
    const attrs = `classname="${esc(`${r.scenario}`)}" name="${esc(`${r.client} v${r.protocol} ${r.broker} (${r.device})`)}" time="${(r.durationMs / 1000).toFixed(3)}"`;
    // Compliance cells carry their feature and spec section, so a dashboard can group by them.
    let body = r.feature
      ? `<properties><property name="feature" value="${esc(r.feature.id)}"/><property name="spec" value="${esc(r.feature.spec)}"/>${r.probe ? `<property name="probe" value="${esc(r.probe)}"/>` : ""}</properties>`
      : "";
    if (r.verdict === "fail") {
      const failed = r.checks.filter((c) => c.verdict === "fail");
      const text = failed.map((c) => `${c.name}: ${c.summary}\n${c.evidence.map((e) => `  ${e.text}`).join("\n")}`).join("\n");
      body += `<failure message="${esc(failed.map((c) => c.name).join(", "))}">${esc(text)}</failure>`;
    } else if (r.verdict === "error" || r.verdict === "unknown") {
      const undecided = r.checks.filter((c) => c.verdict === "unknown").map((c) => `${c.name}: ${c.summary}`);
      // A broken run's checks are shown for what happened, marked as not judged.
      const shown = r.labBreak && r.checks.length ? [`not judged: the lab broke at ${(r.labBreak.t / 1000).toFixed(3)} s`, ...r.checks.map((c) => `  ${c.name} ${c.verdict}: ${c.summary}`)] : undecided;
      body += `<error message="${esc(r.reason ?? `${r.verdict}: ${undecided[0] ?? ""}`)}">${esc(shown.join("\n"))}</error>`;
    } else if (r.verdict === "unsupported" || r.verdict === "skip") {
      body += `<skipped message="${esc(`${r.verdict}: ${r.reason ?? ""}`)}"/>`;
    }
    return `    <testcase ${attrs}>${body}</testcase>`;
  });
  const time = runs.reduce((s, r) => s + r.durationMs, 0) / 1000;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="${esc(name)}" tests="${runs.length}" failures="${count(["fail"])}" errors="${count(["error", "unknown"])}" skipped="${count(["unsupported", "skip"])}" time="${time.toFixed(3)}">`,
    `  <testsuite name="${esc(name)}" tests="${runs.length}" failures="${count(["fail"])}" errors="${count(["error", "unknown"])}" skipped="${count(["unsupported", "skip"])}" time="${time.toFixed(3)}">`,
    ...cases,
    `  </testsuite>`,
    `</testsuites>`,
    "",
  ].join("\n");
}

export function writeJunit(dir: string, runs: RunResult[], name?: string): void {
  writeFileSync(join(dir, "junit.xml"), junitXml(runs, name));
}
