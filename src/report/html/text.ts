import { clip, visible } from "../safeText.ts";

/** Text helpers shared by the parts of report.html: escaping, times, verdict colours. */

/** The most characters of any one value on the page (a megabyte topic or error stays a note). */
const VALUE_CHARS = 20_000;

/**
 * Escape for text and attribute values. Untrusted text (the client's log, errors, topics) is
 * made visible first (safeText.ts: controls as \x1b, lone surrogates as U+FFFD; tab and
 * newline kept) and capped at VALUE_CHARS.
 */
export function esc(s: unknown): string {
  return visible(clip(String(s), VALUE_CHARS), { keepBreaks: true })
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

export const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function duration(ms: number): string {
  if (ms < 60_000) return secs(ms);
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
}

/** "2026-11-25T074812" (the invocation stamp) or an ISO time → "2026-11-25 07:48:12 UTC". */
export function when(stamp: string): string {
  const compact = /^(\d{4}-\d\d-\d\d)T(\d\d)(\d\d)(\d\d)$/.exec(stamp);
  if (compact) return `${compact[1]} ${compact[2]}:${compact[3]}:${compact[4]} UTC`;
  const iso = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d+)?Z$/.exec(stamp);
  if (iso) return `${iso[1]} ${iso[2]} UTC`;
  return stamp;
}

export function verdictClass(v: string): string {
  if (v === "pass") return "v-pass";
  if (v === "fail") return "v-fail";
  if (v === "unsupported" || v === "skip") return "v-skip";
  return "v-warn"; // error, unknown, anything new
}

export const chip = (v: string, text: string = v) => `<span class="chip ${verdictClass(v)}">${esc(text)}</span>`;

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
