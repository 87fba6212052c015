import type { TimelineEvent } from "./events.ts";

/** The event types live in events.ts (what each `src` and `kind` carries); these are the names most code imports. */
export type { Source, TimelineEvent } from "./events.ts";

export function parseTimeline(text: string): TimelineEvent[] {
  const r = readTimeline(text);
  if (r.tornLine !== undefined) throw new Error(`timeline line ${r.tornLine} is not JSON: ${lastLine(text).slice(0, 80)}`);
  return r.events;
}

/**
 * Read a timeline.jsonl. A last line cut off mid-write (a killed run: no newline after it,
 * not JSON) is tolerated and reported as `tornLine`; anything else that is not an event
 * throws, naming the line.
 */
export function readTimeline(text: string): { events: TimelineEvent[]; tornLine?: number } {
  const out: TimelineEvent[] = [];
  const lines = text.split("\n");
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "") continue;
    let ev: unknown;
    try {
      ev = JSON.parse(line);
    } catch {
      if (i === lines.length - 1) return { events: out, tornLine: i + 1 };
      throw new Error(`timeline line ${i + 1} is not JSON: ${line.slice(0, 80)}`);
    }
    if (!isEvent(ev)) throw new Error(`timeline line ${i + 1} lacks t/src/kind: ${line.slice(0, 80)}`);
    out.push(ev);
  }
  return { events: out };
}

function lastLine(text: string): string {
  return text.slice(text.lastIndexOf("\n") + 1);
}

function isEvent(v: unknown): v is TimelineEvent {
  if (typeof v !== "object" || v === null) return false;
  const e = v as Record<string, unknown>;
  return typeof e.t === "number" && typeof e.src === "string" && typeof e.kind === "string";
}

/** Seconds with millisecond precision, the way evidence quotes times: "12.304 s". */
export function at(t: number): string {
  return `${(t / 1000).toFixed(3)} s`;
}
