import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TimelineEvent } from "../timeline/event.ts";
import { RUN_FILES, reportHtml, runFolder, type ReportInvocation, type RunFile } from "./html/page.ts";

/**
 * report.html, written from an invocation folder. The page is built in html/: page.ts (the
 * page and each run's section: root cause, reproduce command, links to the run's files, checks
 * and evidence), matrix.ts (the matrix and declared vs found), strip.ts (the timeline strip),
 * clientLog.ts (the tail of the client's log), filters.ts (the filter form and its script),
 * script.ts (the page's one inline script and its Content-Security-Policy), style.ts (the CSS),
 * text.ts (escaping and small formatters).
 */

export { reportHtml, type ReportInvocation };

/** Lenient: a run that was interrupted can end in half a line; keep every whole event. */
function readTimeline(file: string): TimelineEvent[] {
  const out: TimelineEvent[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as TimelineEvent;
      if (e && typeof e.t === "number" && typeof e.src === "string" && typeof e.kind === "string") out.push(e);
    } catch {
      /* a torn last line */
    }
  }
  return out;
}

/** Read an invocation folder (results.json and each run's timeline.jsonl) and write report.html into it. */
export function writeReport(invocationDir: string): void {
  const invocation = JSON.parse(readFileSync(join(invocationDir, "results.json"), "utf8")) as Partial<ReportInvocation>;
  const runs = invocation.runs ?? [];
  const timelines = new Map<string, TimelineEvent[]>();
  const files = new Map<string, RunFile[]>();
  for (const r of runs) {
    const folder = runFolder(r);
    if (!folder) continue;
    const present = RUN_FILES.filter((f) => existsSync(join(invocationDir, ...folder, f)));
    files.set(r.id, present);
    if (present.includes("timeline.jsonl")) timelines.set(r.id, readTimeline(join(invocationDir, ...folder, "timeline.jsonl")));
  }
  const html = reportHtml(
    { command: invocation.command ?? "", seed: invocation.seed ?? 0, startedAt: invocation.startedAt ?? "", faraday: invocation.faraday ?? "", runs },
    timelines,
    files,
  );
  writeFileSync(join(invocationDir, "report.html"), html);
}
