import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SaxesParser } from "saxes";
import { findRunDirs, readRunResult, summaryLines, writeResults } from "../../src/report/results.ts";
import { writeJunit } from "../../src/report/junit.ts";
import { writeReport } from "../../src/report/html.ts";
import { PAGE_JS } from "../../src/report/html/script.ts";
import { TERMINAL_LINE_MAX } from "../../src/report/safeText.ts";
import type { RunResult } from "../../src/report/run.ts";
import type { TimelineEvent } from "../../src/timeline/event.ts";
import { seededRandom } from "../../src/lab/random.ts";

/**
 * Hostile text from a client under test, through a saved run, out of every exit: the
 * terminal summary, junit.xml (read back by a strict XML parser) and report.html.
 * The inputs are fixed, plus a seeded batch: the same on every run.
 */

const MEGA = 1 << 20;
const megaLine = `${"A".repeat(MEGA)}\x1b[2J`;
const invalidUtf8 = Buffer.from([0x62, 0x61, 0x64, 0x20, 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xf8, 0x88, 0x80]).toString("utf8");
const c1 = Buffer.from([0x9b, 0x33, 0x31, 0x6d, 0x85, 0x90]).toString("latin1"); // CSI, NEL, DCS as C1 controls

const FIXED = [
  "\x1b[2J\x1b]0;pwned\x07",
  "\x1b[31mred\x1b[0m\x1b[1A\x1b[K\r overwritten",
  "U+FFFE \ufffe U+FFFF \uffff",
  "NUL \u0000 in the middle",
  "lone \ud800 high, lone \udfff low, swapped \udc00\ud800",
  invalidUtf8,
  c1,
  "DEL \u007f BS \b VT \u000b FF \u000c",
  "bidi \u202eevil\u202c \u2066isolate\u2069",
  "]]></failure><failure message=\"injected\"/><![CDATA[",
  "</pre><script>alert(1)</script><img src=x onerror=alert(1)>",
  "multi\nline\r\nmessage\twith tabs",
];


/** Strings mixing the dangerous code units with ordinary ones. */
function seededBatch(n: number, seed = 20261125): string[] {
  const rnd = seededRandom(seed).next;
  const pool = [0x00, 0x07, 0x08, 0x0b, 0x0c, 0x0d, 0x1b, 0x1f, 0x7f, 0x85, 0x9b, 0x9f, 0x202e, 0x2069, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xfffe, 0xffff, 0xfffd, 0x26, 0x3c, 0x3e, 0x22, 0x27, 0x5c, 0x41, 0x20, 0xe9, 0x65e5];
  return Array.from({ length: n }, () => {
    const len = 1 + Math.floor(rnd() * 40);
    return String.fromCharCode(...Array.from({ length: len }, () => pool[Math.floor(rnd() * pool.length)]!));
  });
}

const HOSTILE = [...FIXED, ...seededBatch(40)];
const all = HOSTILE.join(" | ");

const run = (over: Partial<RunResult>): RunResult => ({
  id: "hostile.fuzzy.v3.1.1.mosquitto",
  scenario: "hostile",
  title: `hostile ${FIXED[0]}`,
  client: "fuzzy",
  clientRevision: FIXED[1]!,
  device: "unix",
  protocol: "3.1.1",
  broker: "mosquitto",
  brokerDurable: true,
  seed: 1,
  verdict: "fail",
  startedAt: "2026-11-25T08:04:53.717Z",
  durationMs: 20_000,
  checks: [],
  dir: "",
  // The copyable command, as hostile as the rest (a client folder's name can be anything).
  reproduce: `faraday run hostile --client-path '${FIXED[10]}' ${FIXED[0]} ${FIXED[4]}`,
  ...over,
});

/** The events a run of a hostile client leaves: its topics, payloads, errors and log lines. */
function hostileTimeline(): TimelineEvent[] {
  const out: TimelineEvent[] = [
    { t: 10, src: "broker", kind: "ready" },
    { t: 20, src: "device", kind: "hello", client: FIXED[0] },
    { t: 30, src: "device", kind: "up" },
  ];
  let t = 100;
  for (const [i, s] of HOSTILE.entries()) {
    out.push({ t: t++, src: "device", kind: "op", id: i + 1, op: "publish", topic: `f/up/${s}`, payload: s, qos: 1 });
    out.push({ t: t++, src: "device", kind: "ack", id: i + 1, ok: true });
    out.push({ t: t++, src: "observer", kind: "recv", topic: `f/up/${s}`, payload: s, qos: 1 });
    out.push({ t: t++, src: "device", kind: "msg", topic: s, payload: s, retained: false, props: { "3": s } });
    out.push({ t: t++, src: "device", kind: "log", line: s });
  }
  out.push({ t: t++, src: "device", kind: "log", line: megaLine });
  out.push({ t: t++, src: "device", kind: "log", line: "Traceback (most recent call last):" });
  out.push({ t: t++, src: "device", kind: "error", msg: `${FIXED[0]} ${megaLine}`, tb: all });
  out.push({ t: t++, src: "device", kind: "exit", code: 1, signal: FIXED[3] });
  return out;
}

/** A saved invocation, as the runner and the CLI leave one: results.json, and per run timeline.jsonl, results.json, client.log. */
function savedInvocation(): { dir: string; runs: RunResult[] } {
  const dir = mkdtempSync(join(tmpdir(), "faraday-fuzz-"));
  const evidence = HOSTILE.map((s, i) => ({ t: 100 + i * 5, text: `seq ${i} on "${s}" never delivered`, charged: "client" as const, tb: s, tail: [s, FIXED[0]] }));
  const runs: RunResult[] = [
    run({
      id: "hostile.fuzzy.v3.1.1.mosquitto",
      reason: all,
      cause: { line: `the client raised at 0.105 s: ${all}`, source: "client", t: 105, check: "noUncaughtErrors", follows: ["noLostAcknowledged"] },
      checks: [
        { name: "noLostAcknowledged", verdict: "fail", summary: `lost ${all}`, evidence: [{ t: 5, text: megaLine }, ...evidence] },
        { name: "noUncaughtErrors", verdict: "fail", summary: megaLine, evidence: evidence.slice(0, 3) },
        { name: "orderPerTopic", verdict: "unknown", summary: FIXED[2]!, evidence: [] },
        { name: "sessionClean", verdict: "pass", summary: FIXED[4]!, evidence: [{ text: FIXED[5]! }] },
      ],
    }),
    run({ id: "hostile.fuzzy.v5.mosquitto", protocol: "5", verdict: "error", reason: `lab broke: ${FIXED[0]} ${megaLine}`, checks: [] }),
    run({ id: "hostile.fuzzy.v5.aedes", protocol: "5", broker: "aedes", verdict: "unsupported", reason: all, declared: FIXED[2]!, probe: "fail", feature: { id: FIXED[9]!, spec: FIXED[3]!, claim: FIXED[10]! } }),
    // A baseline class (read only by the report's filters) as hostile as the rest: it lands in data-* attributes and an <option>.
    run({ id: "hostile.fuzzy.v3.1.1.aedes", broker: "aedes", verdict: "unknown", reason: FIXED[6]!, checks: [{ name: "delivered", verdict: "unknown", summary: all, evidence: [] }], ...({ baseline: { class: all } } as object) }),
  ];
  for (const r of runs) {
    const runDir = join(dir, r.id);
    mkdirSync(runDir);
    r.dir = runDir;
    const events = hostileTimeline();
    // Invalid UTF-8 as raw bytes on disk, the way a client's bytes could reach the file.
    // (JSON itself forbids a raw control character inside a string, so those arrive escaped, as above.)
    const raw = Buffer.concat([Buffer.from('{"t":99999,"src":"device","kind":"log","line":"raw '), Buffer.from([0xff, 0xfe, 0xc0, 0x80]), Buffer.from(' \\u001b[2J"}\n')]);
    writeFileSync(join(runDir, "timeline.jsonl"), Buffer.concat([Buffer.from(events.map((e) => JSON.stringify(e)).join("\n") + "\n"), raw]));
    writeFileSync(join(runDir, "client.log"), events.filter((e) => e.kind === "log").map((e) => String(e.line)).join("\n") + "\n");
    writeFileSync(join(runDir, "results.json"), JSON.stringify({ runs: [r] }, null, 2) + "\n");
  }
  // Written raw, not through writeResults: its schema would (rightly) refuse the hostile
  // baseline class, and the report must stay safe on any results.json it is handed.
  writeFileSync(join(dir, "results.json"), JSON.stringify({ faraday: "0.1.0+fuzz", command: `faraday run hostile ${FIXED[0]}`, seed: 1, startedAt: "2026-11-25T080453", runs }, null, 2) + "\n");
  return { dir, runs };
}

/** Parse XML strictly (saxes checks XML 1.0's Char production); returns the text of every element by name. */
function parseXml(xml: string): Map<string, string[]> {
  const texts = new Map<string, string[]>();
  const stack: string[] = [];
  const parser = new SaxesParser();
  parser.on("error", (err) => {
    throw err;
  });
  parser.on("opentag", (tag) => {
    stack.push(tag.name);
    for (const [k, v] of Object.entries(tag.attributes)) texts.set(`${tag.name}@${k}`, [...(texts.get(`${tag.name}@${k}`) ?? []), String(v)]);
  });
  parser.on("closetag", () => void stack.pop());
  parser.on("text", (text) => {
    const top = stack.at(-1);
    if (top) texts.set(top, [...(texts.get(top) ?? []), text]);
  });
  parser.write(xml).close();
  return texts;
}

/** What a terminal would act on rather than print. */
const TERMINAL_CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** What XML 1.0 forbids, lone surrogates included. */
const NOT_XML = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;
/** Raw controls in HTML text (tab and line feed are layout). */
const HTML_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffe\uffff\u202a-\u202e\u2066-\u2069]/;

describe("the XML parser the fuzz test trusts", () => {
  it("rejects what XML 1.0 forbids", () => {
    expect(() => parseXml("<a>x\uffffy</a>")).toThrow(/disallowed character/);
    expect(() => parseXml("<a>x\ufffey</a>")).toThrow(/disallowed character/);
    expect(() => parseXml("<a>x\u0000y</a>")).toThrow(/disallowed character/);
    expect(() => parseXml('<a b="\x1b[2J"/>')).toThrow(/disallowed character/);
    expect(() => parseXml("<a><b></a>")).toThrow();
    expect(parseXml("<a>x &amp; y</a>").get("a")).toEqual(["x & y"]);
  });
});

describe("hostile text through a saved run", () => {
  const { dir } = savedInvocation();
  const runDirs = findRunDirs(dir);
  const saved = runDirs.map((d) => readRunResult(d)!);

  it("reads the saved run back as written", () => {
    expect(runDirs).toHaveLength(4);
    expect(saved.map((r) => r.verdict).sort()).toEqual(["error", "fail", "unknown", "unsupported"]);
  });

  it("terminal summary: no control character survives, and no line runs to a megabyte", () => {
    const lines = saved.flatMap(summaryLines);
    expect(lines.length).toBeGreaterThan(4);
    for (const l of lines) {
      expect(l).not.toMatch(TERMINAL_CONTROL);
      expect(l).not.toMatch(NOT_XML); // no lone surrogate, U+FFFE or U+FFFF either
      expect(l.length).toBeLessThan(TERMINAL_LINE_MAX + 100);
    }
    // Made visible, not silently lost.
    expect(lines.join("\n")).toContain("\\x1b[2J\\x1b]0;pwned\\x07");
  });

  it("junit.xml: well-formed for a strict XML 1.0 parser, the hostile text shown escaped", () => {
    writeJunit(dir, saved, `faraday ${FIXED[0]}`);
    const xml = readFileSync(join(dir, "junit.xml"), "utf8");
    expect(xml).not.toMatch(NOT_XML);
    const parsed = parseXml(xml);
    expect(parsed.get("testcase")).toBeUndefined(); // only whitespace-free bodies
    const failure = (parsed.get("failure") ?? []).join("");
    expect(failure).toContain("\\x1b[2J\\x1b]0;pwned\\x07");
    expect(failure).toContain("\\ufffe");
    expect(failure).toContain("]]></failure><failure"); // text, not markup
    // The failure's message is the run's root cause: the client's words, made visible.
    const message = (parsed.get("failure@message") ?? []).join("");
    expect(message).toMatch(/^the client raised at 0\.105 s: /);
    expect(message).toContain("\\x1b[2J\\x1b]0;pwned\\x07");
    // The client's log tail, too.
    expect((parsed.get("system-out") ?? []).join("")).toContain("\\x1b[2J\\x1b]0;pwned\\x07");
    expect((parsed.get("error@message") ?? []).join("")).toContain("lab broke: \\x1b[2J");
    expect((parsed.get("skipped@message") ?? []).join("")).toContain("unsupported:");
    // A megabyte of one client's text stays a note in CI.
    expect(xml.length).toBeLessThan(MEGA);
  });

  it("report.html: no raw control, every megabyte line capped, no markup from the client", () => {
    writeReport(dir);
    const page = readFileSync(join(dir, "report.html"), "utf8");
    // The one script is the page's constant; nothing of the client's reaches it.
    const scripts = page.match(/<script\b[^>]*>[\s\S]*?<\/script>/g) ?? [];
    expect(scripts).toEqual([`<script>${PAGE_JS}</script>`]);
    const html = page.replace(scripts[0]!, "");
    expect(html).not.toMatch(HTML_CONTROL);
    expect(html).not.toMatch(NOT_XML);
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).toContain("\\x1b[2J\\x1b]0;pwned\\x07");
    // No value anywhere carries the whole megabyte; the client-log line is capped at its own, shorter length.
    expect(html.length).toBeLessThan(MEGA);
    expect(Math.max(...(html.match(/A+/g) ?? []).map((a) => a.length))).toBeLessThanOrEqual(20_000);
    const logLine = /<span class="l(?:bad)?"><i>[^<]*<\/i> {2}(A+)… \[(\d+) more characters\]<\/span>/.exec(html);
    expect(logLine).not.toBeNull();
    expect(logLine![1]!.length).toBeLessThanOrEqual(2000);
    expect(Number(logLine![2])).toBe(megaLine.length - logLine![1]!.length);
    // The raw invalid bytes of the timeline file arrive as U+FFFD, their ESC made visible.
    expect(html.includes("raw \ufffd\ufffd\ufffd\ufffd \\x1b[2J")).toBe(true);
    // The root cause comes first in the run, and the copyable command is text in its <code>, escaped.
    const section = html.slice(html.indexOf(`id="run-hostile.fuzzy.v3.1.1.mosquitto"`));
    expect(section.indexOf(`<div class="cause v-fail"><b>root cause</b>`)).toBeLessThan(section.indexOf(`<p class="title">`));
    expect(section).toContain("<span class=\"cline\">the client raised at 0.105 s: \\x1b[2J\\x1b]0;pwned\\x07");
    expect(section).toMatch(/<code>faraday run hostile --client-path &#39;&lt;\/pre&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;&lt;img src=x onerror=alert\(1\)&gt;&#39; \\x1b\[2J/);
    // Its files, linked beside the page (results.json named them by absolute paths here: the folder's name is used).
    expect(section).toContain(`<a href="hostile.fuzzy.v3.1.1.mosquitto/timeline.jsonl">timeline.jsonl</a> <a href="hostile.fuzzy.v3.1.1.mosquitto/client.log">client.log</a>`);
  });
});
