import type { TimelineEvent } from "../../timeline/event.ts";
import { at } from "../../timeline/event.ts";
import { clip, visible } from "../safeText.ts";
import { esc, plural } from "./text.ts";

/** The tail of the client's own output (log lines, errors with their tracebacks, its exit), per run. */

const LOG_LINES = 200;
/** The most characters shown of one client-log line; the rest is counted, not shown. */
const LOG_LINE_CHARS = 2000;

export function clientLog(events: TimelineEvent[]): string {
  const lines: { t: number; text: string; bad: boolean }[] = [];
  for (const e of events) {
    if (e.src !== "device") continue;
    if (e.kind === "log") {
      const line = String(e.line ?? "");
      lines.push({ t: e.t, text: line, bad: /^Traceback|Error\b|Exception|^\s+File "/.test(line) });
    } else if (e.kind === "error") {
      lines.push({ t: e.t, text: `error: ${String(e.msg ?? "")}`, bad: true });
      if (typeof e.tb === "string" && e.tb.trim()) for (const l of e.tb.trimEnd().split("\n")) lines.push({ t: e.t, text: l, bad: true });
    } else if (e.kind === "exit") {
      lines.push({ t: e.t, text: `[device process exited: code ${String(e.code)}, signal ${String(e.signal)}]`, bad: false });
    }
  }
  if (lines.length === 0) return `<details class="log"><summary>Client log <span class="count">no lines</span></summary><p class="empty">The client printed nothing.</p></details>`;
  const shown = lines.slice(-LOG_LINES);
  const note = lines.length > shown.length ? `last ${shown.length} of ${lines.length} lines` : plural(lines.length, "line");
  // Each line capped too, and its breaks shown as \n: one log line stays one line on the page.
  const body = shown.map((l) => `<span class="${l.bad ? "lbad" : "l"}"><i>${esc(at(l.t).padStart(10))}</i>  ${esc(visible(clip(l.text, LOG_LINE_CHARS)))}</span>`).join("\n");
  return `<details class="log"><summary>Client log <span class="count">${note}</span></summary><pre>${body}</pre></details>`;
}
