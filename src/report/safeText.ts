/**
 * Untrusted text made safe at every exit.
 *
 * Topics, payloads, a client's error messages and its log lines come from the client under
 * test (and a saved results.json from whoever wrote it): they may hold anything. Before such
 * text reaches a terminal, junit.xml or report.html it goes through `visible`, which renders
 * every character that could act instead of print as a visible escape:
 *
 * - C0 controls U+0000–U+001F (ESC included), U+007F and C1 controls U+0080–U+009F become
 *   `\xHH` (`\x1b`, `\x00`, `\x9b`); tab, line feed and carriage return become `\t`, `\n`,
 *   `\r` unless the exit keeps line breaks (the report and junit.xml keep `\t` and `\n`);
 * - the noncharacters U+FFFE and U+FFFF (forbidden in XML 1.0) become `\ufffe`, `\uffff`;
 * - bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069), which can reorder
 *   what a reader sees, become `\u202e` etc.;
 * - a lone surrogate (half of a UTF-16 pair, what invalid UTF-8 or a cut string leaves)
 *   becomes U+FFFD.
 *
 * So an escape sequence cannot clear a screen or retitle a window, and whatever `visible`
 * returns is a sequence of XML 1.0 characters. A backslash is left as it is: the rendering is
 * for people, and a client that prints a literal `\x1b` reads the same as one that sent ESC.
 * `clip` caps the length of one piece, saying how much it left out.
 */

/** Characters `visible` rewrites; line breaks and tab are handled apart (see `keepBreaks`). */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const NAMED: Record<string, string> = { "\t": "\\t", "\n": "\\n", "\r": "\\r" };

export interface VisibleOptions {
  /** Keep tab, line feed (and carriage return before a line feed) as they are: for multi-line exits (report, junit.xml). */
  keepBreaks?: boolean;
  /** Cap the rendered result at this many characters, plus the note `clip` adds. */
  max?: number;
}

/** `s` with every control, bidi override, XML-forbidden noncharacter and lone surrogate made visible (rules above). */
export function visible(s: unknown, opts: VisibleOptions = {}): string {
  let text = typeof s === "string" ? s : String(s);
  if (opts.keepBreaks) text = text.replace(/\r\n/g, "\n");
  const out = text.replace(UNSAFE, (c) => {
    if (opts.keepBreaks && (c === "\n" || c === "\t")) return c;
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    if (code >= 0xd800 && code <= 0xdfff) return "\ufffd";
    if (code <= 0xff) return `\\x${code.toString(16).padStart(2, "0")}`;
    return `\\u${code.toString(16).padStart(4, "0")}`;
  });
  return opts.max === undefined ? out : clip(out, opts.max);
}

/**
 * At most `max` characters of `s` (never cutting a surrogate pair in two), with a note of how
 * many were left out: "aaaa… [1048566 more characters]".
 */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = Math.max(0, max);
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${s.slice(0, end)}… [${s.length - end} more characters]`;
}

/** The longest line faraday prints for one run, check or piece of evidence. */
export const TERMINAL_LINE_MAX = 2000;

/** One terminal line: every control made visible (line breaks too), cut after TERMINAL_LINE_MAX characters. */
export function terminalLine(s: unknown): string {
  return visible(s, { max: TERMINAL_LINE_MAX });
}

/**
 * Text or attribute value for XML 1.0 (junit.xml): controls made visible as above (tab and
 * line feed kept), then `& < > " '` escaped. The result only holds characters XML 1.0 allows.
 */
export function xmlText(s: unknown): string {
  return visible(s, { keepBreaks: true })
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}
