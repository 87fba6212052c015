import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { TimelineEvent } from "../timeline/event.ts";
import { reportHtml, type ReportInvocation } from "./html/page.ts";

/**
 * report.html, written from an invocation folder. The page is built in html/: page.ts (the
 * page and each run's section), matrix.ts (the matrix and declared vs found), strip.ts (the
 * timeline strip), clientLog.ts (the tail of the client's log), filters.ts (the filter form,
 * its one inline script and the page's Content-Security-Policy), style.ts (the CSS), text.ts
 * (escaping and small formatters).
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
  for (const r of runs) {
    const file = join(invocationDir, basename(r.dir ?? r.id), "timeline.jsonl");
    if (existsSync(file)) timelines.set(r.id, readTimeline(file));
  }
  const html = reportHtml(
    { command: invocation.command ?? "", seed: invocation.seed ?? 0, startedAt: invocation.startedAt ?? "", faraday: invocation.faraday ?? "", runs },
    timelines,
  );
  writeFileSync(join(invocationDir, "report.html"), html);
}
