import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { reportHtml, writeReport } from "../../src/report/html.ts";
import { createHash } from "node:crypto";
import { COMPACT_AT, FILTER_JS } from "../../src/report/html/filters.ts";
import { COPY_JS, PAGE_JS } from "../../src/report/html/script.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import type { RunResult } from "../../src/report/run.ts";
import type { TimelineEvent } from "../../src/timeline/event.ts";
import { ev } from "./helpers.ts";

const run = (over: Partial<RunResult>): RunResult => ({
  id: "broker-crash.mqtt_as.v3.1.1.mosquitto",
  scenario: "broker-crash",
  title: "Broker killed",
  client: "mqtt_as",
  clientRevision: "local folder",
  device: "unix",
  protocol: "3.1.1",
  broker: "mosquitto",
  brokerDurable: true,
  seed: 7,
  verdict: "pass",
  startedAt: "2026-11-25T08:04:53.717Z",
  durationMs: 20_000,
  checks: [],
  dir: "/elsewhere/broker-crash.mqtt_as.v3.1.1.mosquitto",
  ...over,
});

/** The page less its one script, after checking that script is exactly the page's constant. */
function withoutFilterScript(html: string): string {
  const scripts = html.match(/<script\b[^>]*>[\s\S]*?<\/script>/g) ?? [];
  expect(scripts).toEqual([`<script>${PAGE_JS}</script>`]);
  return html.replace(scripts[0]!, "");
}

const invocation = (runs: RunResult[]) => ({ command: "faraday run broker-crash", seed: 7, startedAt: "2026-11-25T080453", faraday: "0.1.0+test", runs });

/** A broker crash from 2 s to 12 s, the client down meanwhile, one message each way and one lost. */
function crashTimeline(): TimelineEvent[] {
  return [
    ev(50, "broker", "ready"),
    ev(200, "device", "hello"),
    ev(300, "device", "up"),
    ev(1000, "device", "op", { id: 1, op: "publish", topic: "f/up", payload: "seq=1", qos: 1 }),
    ev(1010, "device", "ack", { id: 1, ok: true }),
    ev(1020, "observer", "recv", { topic: "f/up", payload: "seq=1", qos: 1 }),
    ev(1500, "observer", "publish", { id: 1, topic: "f/down", payload: "seq=1", qos: 1 }),
    ev(1510, "observer", "puback", { id: 1 }),
    ev(2000, "fault", "start", { id: "brokerCrash-1", fault: "brokerCrash", params: { signal: "SIGKILL" } }),
    ev(2001, "broker", "exit", { how: "SIGKILL" }),
    ev(2100, "device", "down"),
    ev(3000, "device", "log", { line: "Traceback (most recent call last):" }),
    ev(3000, "device", "log", { line: "AssertionError: <Empty> & \"response\"" }),
    ev(12_000, "broker", "ready"),
    ev(12_001, "fault", "end", { id: "brokerCrash-1", fault: "brokerCrash" }),
    ev(13_000, "device", "up"),
    ev(19_000, "device", "exit", { code: null, signal: "SIGTERM" }),
  ];
}

describe("report.html", () => {
  it("links the matrix cell of a failing run to that run's section", () => {
    const failing = run({
      verdict: "fail",
      checks: [{ name: "noLostAcknowledged", verdict: "fail", summary: "1 of 2 lost", evidence: [{ t: 1500, text: "seq 1 lost" }] }],
    });
    const passing = run({ id: "broker-crash.mqtt_as.v5.mosquitto", protocol: "5", verdict: "pass" });
    const html = reportHtml(invocation([failing, passing]), new Map());
    const anchor = "run-broker-crash.mqtt_as.v3.1.1.mosquitto";
    expect(html).toMatch(new RegExp(`<a class="cell v-fail" href="#${anchor.replace(/\./g, "\\.")}"`));
    expect(html).toContain(`<section class="run v-fail" id="${anchor}" data-v="fail" data-p="3.1.1" data-b="mosquitto">`);
    // The passing run's cell links elsewhere, to its own section.
    expect(html).toContain(`<a class="cell v-pass" href="#run-broker-crash.mqtt_as.v5.mosquitto"`);
    expect(html).toContain(`id="run-broker-crash.mqtt_as.v5.mosquitto"`);
    // Tallies in the header.
    expect(html).toContain(">1 fail<");
    expect(html).toContain(">1 pass<");
  });

  it("escapes evidence, summaries, titles and log lines, and keeps evidence text verbatim", () => {
    const nasty = `seq <41> on "a&b" </script><img src=x onerror=alert(1)>`;
    const r = run({
      verdict: "fail",
      title: "Title <b>",
      checks: [{ name: "noLostAcknowledged", verdict: "fail", summary: "lost <all> & more", evidence: [{ t: 12_304, text: nasty, charged: "client" }] }],
    });
    const html = withoutFilterScript(reportHtml(invocation([r]), new Map([[r.id, crashTimeline()]])));
    expect(html).not.toContain("<img");
    expect(html).not.toContain("</script>");
    expect(html).toContain("seq &lt;41&gt; on &quot;a&amp;b&quot; &lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain("lost &lt;all&gt; &amp; more");
    expect(html).toContain("Title &lt;b&gt;");
    expect(html).toContain("12.304 s");
    // The client's log line, escaped.
    expect(html).toContain("AssertionError: &lt;Empty&gt; &amp; &quot;response&quot;");
    // Failing checks open, passing ones not.
    expect(html).toContain(`<details class="check v-fail" open>`);
  });

  it("shows an unsupported run's reason, and no timeline for it", () => {
    const r = run({ id: "broker-crash.aiomqttc.v5.mosquitto", client: "aiomqttc", protocol: "5", verdict: "unsupported", durationMs: 0, reason: "aiomqttc does not support MQTT 5: it speaks 3.1.1 only" });
    const html = reportHtml(invocation([r]), new Map());
    expect(html).toContain("aiomqttc does not support MQTT 5: it speaks 3.1.1 only");
    expect(html).toMatch(/<a class="cell v-skip"[^>]*><b>unsupported<\/b>/);
    expect(html).not.toContain("<svg");
  });

  it("draws a timeline strip with a fault band labelled with its kind, broker and client outages, message ticks and error markers", () => {
    const uncaught = { name: "noUncaughtErrors", ...noUncaughtErrors().judge(crashTimeline(), {} as never) };
    const r = run({
      verdict: "fail",
      checks: [{ name: "noLostAcknowledged", verdict: "fail", summary: "1 lost", evidence: [{ t: 1510, text: "observer→device seq 1 never delivered" }] }, uncaught],
    });
    const html = reportHtml(invocation([r]), new Map([[r.id, crashTimeline()]]));
    const svg = html.slice(html.indexOf("<svg"), html.indexOf("</svg>"));
    expect(svg).toMatch(/<g class="fault">.*<rect class="bar"[^>]*\/>.*<text class="blabel"[^>]*>brokerCrash<\/text><\/g>/);
    expect(svg).toContain("fault brokerCrash: 2.000 s – 12.001 s");
    expect(svg).toContain("broker down 2.001 s – 12.000 s");
    expect(svg).toContain("client down 2.100 s – 13.000 s");
    expect(svg).toMatch(/<line class="m-ok"[^>]*><title>↑ seq 1 /);
    expect(svg).toMatch(/<line class="m-lost"[^>]*><title>↓ seq 1 [^<]*NEVER DELIVERED/);
    // Error markers are noUncaughtErrors' evidence, quoted as the check said it.
    expect(svg).toMatch(/<path class="err"[^>]*><title>traceback printed at 3.000 s: Traceback \(most recent call last\): \| AssertionError/);
    expect(svg).toMatch(/<path class="err"[^>]*><title>device process exited by itself at 19.000 s/);
    expect(svg).toMatch(/<line class="evl"[^>]*><title>noLostAcknowledged @ 1.510 s/);
    // The time axis is in seconds.
    expect(svg).toContain(">10 s</text>");
  });

  it("draws no error marker that no check reported: the report does not read the log again", () => {
    // The client printed a traceback, but this run's checks do not include noUncaughtErrors.
    const r = run({ verdict: "pass", checks: [{ name: "noLostAcknowledged", verdict: "pass", summary: "none lost", evidence: [] }] });
    const html = reportHtml(invocation([r]), new Map([[r.id, crashTimeline()]]));
    const svg = html.slice(html.indexOf("<svg"), html.indexOf("</svg>"));
    expect(svg).not.toContain(`<path class="err"`);
    // The log still shows the traceback.
    expect(html).toContain("Traceback (most recent call last):");
  });

  it("buckets thousands of messages, and a long run stays small", () => {
    const events: TimelineEvent[] = [ev(0, "broker", "ready"), ev(10, "device", "up")];
    for (let i = 1; i <= 6000; i++) {
      const t = i * 100;
      events.push(ev(t, "device", "op", { id: i, op: "publish", topic: "f/up", payload: `seq=${i}`, qos: 1 }));
      events.push(ev(t + 5, "device", "ack", { id: i, ok: true }));
      if (i !== 3000) events.push(ev(t + 9, "observer", "recv", { topic: "f/up", payload: `seq=${i}`, qos: 1 }));
    }
    const r = run({ durationMs: 600_000 });
    const html = reportHtml(invocation([r]), new Map([[r.id, events]]));
    expect(html).not.toContain(`<line class="m-ok"`);
    expect(html).toContain(`<path class="b-ok"`);
    expect(html).toContain(`<path class="b-lost"`);
    expect(html).toContain("6000 messages, drawn per 2 px: 5999 delivered, 1 acknowledged but never delivered");
    expect(html.length).toBeLessThan(120_000);
  });

  describe("each run: what went wrong first, how to run it again, its files", () => {
    const cause = { line: "the client printed a traceback at 3.000 s: AssertionError: <Empty> (File \"mqtt_as.py\", line 7) — then noLostAcknowledged fails", source: "client" as const, t: 3000, check: "noUncaughtErrors", follows: ["noLostAcknowledged"] };
    const failing = () =>
      run({
        verdict: "fail",
        cause,
        reproduce: "faraday run broker-crash --client mqtt_as --client-path '<client-path #3f2a9c1b>' --protocol 3.1.1 --broker mosquitto --seed 7",
        dir: "broker-crash.mqtt_as.v3.1.1.mosquitto",
        checks: [{ name: "noLostAcknowledged", verdict: "fail", summary: "1 lost", evidence: [{ t: 1510, text: "seq 1 never delivered" }] }],
      });
    const sectionOf = (html: string, id: string) => html.slice(html.indexOf(`<section class="run`, html.indexOf(`id="run-${id}"`) - 40), html.indexOf("</section>", html.indexOf(`id="run-${id}"`)));

    it("shows the root cause first, before the title, the facts, the timeline and the checks", () => {
      const r = failing();
      const html = withoutFilterScript(reportHtml(invocation([r]), new Map([[r.id, crashTimeline()]])));
      const section = sectionOf(html, r.id);
      const at = (s: string) => section.indexOf(s);
      expect(section).toContain(
        `<div class="cause v-fail"><b>root cause</b> <span class="csrc">the client&#39;s own error</span> <span class="cline">the client printed a traceback at 3.000 s: AssertionError: &lt;Empty&gt; (File &quot;mqtt_as.py&quot;, line 7) — then noLostAcknowledged fails</span></div>`,
      );
      expect(at(`<div class="cause`)).toBeGreaterThan(at(`<div class="run-h">`));
      for (const later of [`<p class="title">`, `<dl class="facts">`, `<figure class="strip">`, "<h4>Checks", `<details class="log">`]) expect(at(`<div class="cause`), later).toBeLessThan(at(later));
      // The matrix cell's tooltip leads with it too.
      expect(html).toMatch(/<a class="cell v-fail"[^>]* title="fail: broker-crash\.mqtt_as\.v3\.1\.1\.mosquitto\nthe client printed a traceback at 3\.000 s/);
    });

    it("says a lab error once: its cause, not the same reason again", () => {
      const r = run({ verdict: "error", reason: "mosquitto exited by itself", cause: { line: "the lab could not do its job: mosquitto exited by itself — not the client's doing; its checks are not judged", source: "lab", follows: [] } });
      const html = reportHtml(invocation([r]), new Map());
      expect(html).toContain(`<div class="cause v-warn"><b>lab error</b> <span class="csrc">the lab, not the client</span> <span class="cline">the lab could not do its job: mosquitto exited by itself`);
      expect(html).not.toContain(`<div class="reason`);
      // A run without a cause (a pass, an older file) shows none, and its reason as before.
      const u = run({ verdict: "unsupported", reason: "no MQTT 5" });
      const plain = reportHtml(invocation([u]), new Map());
      expect(plain).not.toContain(`class="cause`);
      expect(plain).toContain(`<div class="reason v-skip"><b>unsupported:</b> no MQTT 5</div>`);
    });

    it("gives the reproduce command as text in a <code> block, with a copy button only the page's script shows", () => {
      const r = failing();
      const html = reportHtml(invocation([r]), new Map());
      expect(html).toContain(
        `<div class="repro"><span class="lbl">reproduce</span><code>faraday run broker-crash --client mqtt_as --client-path &#39;&lt;client-path #3f2a9c1b&gt;&#39; --protocol 3.1.1 --broker mosquitto --seed 7</code><button type="button" class="copy" title="copy the command">copy</button></div>`,
      );
      // Hidden by the stylesheet until the script has run (scripts off: the command is still there to select).
      expect(html).toMatch(/\.copy\{display:none;/);
      expect(html).toContain("html[data-copy] .copy{display:inline-block}");
      expect(COPY_JS).toContain(`setAttribute("data-copy", "ready")`);
      expect(COPY_JS).toContain("navigator.clipboard.writeText(code.textContent)");
      // No command, no button.
      expect(reportHtml(invocation([run({})]), new Map())).not.toContain(`class="copy"`);
    });

    it("links the run's timeline.jsonl and client.log relative to the page: dir as results.json holds it", () => {
      const r = failing();
      expect(reportHtml(invocation([r]), new Map())).toContain(
        `<div class="files"><span class="lbl">files</span><a href="broker-crash.mqtt_as.v3.1.1.mosquitto/timeline.jsonl">timeline.jsonl</a> <a href="broker-crash.mqtt_as.v3.1.1.mosquitto/client.log">client.log</a></div>`,
      );
      // A merge's nested folder stays nested; an absolute path (an older file) or one that leaves the folder gives its last part, as the report reads the timeline.
      const href = (dir: string) => /<a href="([^"]*)\/timeline\.jsonl">/.exec(reportHtml(invocation([run({ dir })]), new Map()))?.[1];
      expect(href("shard-1/a.b.v5.mosquitto")).toBe("shard-1/a.b.v5.mosquitto");
      expect(href("/elsewhere/broker-crash.mqtt_as.v3.1.1.mosquitto")).toBe("broker-crash.mqtt_as.v3.1.1.mosquitto");
      expect(href("../../etc/x")).toBe("x");
      // Each part is a path segment, never a scheme or a query.
      expect(href("javascript:alert(1)")).toBe("javascript%3Aalert(1)");
      expect(href(`a"b?c#d`)).toBe("a%22b%3Fc%23d");
    });

    it("badges a gated run with its baseline class", () => {
      const html = reportHtml(invocation([run({ ...failing(), baseline: { class: "new-failure" } }), run({ id: "k", verdict: "fail", baseline: { class: "known" } })]), new Map());
      expect(html).toContain(`<span class="chip v-fail">fail</span> <span class="gate g-new-failure" title="baseline: new failure: fails where the baseline says it passed">new failure</span><h3>`);
      expect(html).toContain(`<span class="gate g-known" title="baseline: known: fails as the baseline says it does">known</span>`);
      expect(reportHtml(invocation([failing()]), new Map())).not.toContain(`class="gate`);
    });

    it("keeps a traceback's line breaks in the evidence, while the check's own text keeps its one line", () => {
      const events = crashTimeline();
      const uncaught = { name: "noUncaughtErrors", ...noUncaughtErrors().judge(events, {} as never) };
      // What results.json holds is the checker's: one line, " | " between the traceback's lines.
      expect(uncaught.evidence[0]!.text).toBe(`traceback printed at 3.000 s: Traceback (most recent call last): | AssertionError: <Empty> & "response"`);
      const r = run({ verdict: "fail", checks: [uncaught] });
      const expected = `<span class="etext">traceback printed at 3.000 s: <span class="charged ch-client">client</span><pre class="tb">Traceback (most recent call last):\nAssertionError: &lt;Empty&gt; &amp; &quot;response&quot;</pre></span>`;
      expect(reportHtml(invocation([r]), new Map([[r.id, events]]))).toContain(expected);
      // Without the timeline, from the evidence alone.
      expect(reportHtml(invocation([r]), new Map())).toContain(expected);
    });

    it("takes a traceback's lines from the timeline when a line itself holds \" | \"", () => {
      const events = [...crashTimeline().slice(0, 11), ev(3000, "device", "log", { line: "Traceback (most recent call last):" }), ev(3000, "device", "log", { line: '  File "a | b.py", line 1, in f' }), ev(3000, "device", "log", { line: "OSError: 104" })];
      const uncaught = { name: "noUncaughtErrors", ...noUncaughtErrors().judge(events, {} as never) };
      const r = run({ verdict: "fail", checks: [uncaught] });
      expect(reportHtml(invocation([r]), new Map([[r.id, events]]))).toContain(`<pre class="tb">Traceback (most recent call last):\n  File &quot;a | b.py&quot;, line 1, in f\nOSError: 104</pre>`);
      // Evidence that quotes no traceback stays as it is.
      const plain = run({ verdict: "fail", checks: [{ name: "x", verdict: "fail", summary: "s", evidence: [{ t: 1, text: "a | b" }] }] });
      expect(reportHtml(invocation([plain]), new Map())).toContain(`<span class="etext">a | b</span>`);
    });
  });

  describe("filters", () => {
    const mixed = () => [
      run({ verdict: "fail", checks: [{ name: "noLostAcknowledged", verdict: "fail", summary: "1 lost", evidence: [] }] }),
      run({ id: "broker-crash.mqtt_as.v5.mosquitto", protocol: "5", verdict: "pass" }),
      run({ id: "broker-crash.mqtt_as.v5.aedes", protocol: "5", broker: "aedes", verdict: "error", reason: "aedes died" }),
    ];

    it("writes a hidden form (only the script shows it) with the verdicts, protocols and brokers present, counted", () => {
      const html = reportHtml(invocation(mixed()), new Map());
      const form = html.slice(html.indexOf("<form"), html.indexOf("</form>"));
      expect(form).toMatch(/^<form class="filters" id="filters" hidden /);
      expect(form).toContain(`<input type="checkbox" name="failures"> failures only (1)`);
      expect(form).toContain(`<select name="verdict"><option value="">all</option><option value="fail">fail (1)</option><option value="error">error (1)</option><option value="pass">pass (1)</option></select>`);
      expect(form).toContain(`<select name="protocol"><option value="">all</option><option value="3.1.1">MQTT 3.1.1 (1)</option><option value="5">MQTT 5 (2)</option></select>`);
      expect(form).toContain(`<select name="broker"><option value="">all</option><option value="mosquitto">mosquitto (2)</option><option value="aedes">aedes (1)</option></select>`);
      // No run carries a baseline class: no such control, no such attribute.
      expect(form).not.toContain(`name="baseline"`);
      expect(html).not.toContain("data-bc=");
      // Few runs: the full matrix.
      expect(form).toContain(`<input type="checkbox" name="compact"> compact matrix`);
      expect(html).toContain(`<table class="matrix">`);
    });

    it("marks each run's section and matrix cell with what the filters read", () => {
      const html = reportHtml(invocation(mixed()), new Map());
      expect(html).toContain(`<section class="run v-warn" id="run-broker-crash.mqtt_as.v5.aedes" data-v="error" data-p="5" data-b="aedes">`);
      expect(html).toMatch(/<a class="cell v-warn" href="#run-broker-crash\.mqtt_as\.v5\.aedes" title="[^"]*" data-v="error" data-p="5" data-b="aedes">/);
    });

    it("offers the baseline class once runs carry one, and escapes every value it writes", () => {
      const runs = [
        run({ broker: `x" onmouseover="alert(1)`, verdict: "fail", ...({ baseline: { class: "new failure" } } as object) }),
        run({ id: "b", protocol: "5", verdict: "pass", ...({ baseline: { class: `<known>` } } as object) }),
        run({ id: "c", protocol: "5", verdict: "pass", ...({ baseline: "fixed" } as object) }),
      ];
      const html = withoutFilterScript(reportHtml(invocation(runs), new Map()));
      expect(html).toContain(`<select name="baseline"><option value="">all</option><option value="new failure">new failure (1)</option><option value="&lt;known&gt;">&lt;known&gt; (1)</option><option value="fixed">fixed (1)</option></select>`);
      expect(html).toContain(`data-b="x&quot; onmouseover=&quot;alert(1)" data-bc="new failure">`);
      expect(html).toContain(`<option value="x&quot; onmouseover=&quot;alert(1)">x&quot; onmouseover=&quot;alert(1) (1)</option>`);
      expect(html).toContain(`data-bc="&lt;known&gt;"`);
      expect(html).not.toContain(`onmouseover="`);
    });

    it("starts compact above COMPACT_AT runs", () => {
      const many = Array.from({ length: COMPACT_AT + 1 }, (_, i) => run({ id: `s${i}.c.v3.1.1.mosquitto`, scenario: `s${i}` }));
      const html = reportHtml(invocation(many), new Map());
      expect(html).toContain(`<table class="matrix compact">`);
      expect(html).toContain(`<input type="checkbox" name="compact" checked> compact matrix`);
      expect(reportHtml(invocation(many.slice(0, COMPACT_AT)), new Map())).toContain(`<table class="matrix">`);
    });

    it("allows by its Content-Security-Policy exactly the page's one script (filters and copy buttons), and no network", () => {
      const html = reportHtml(invocation(mixed()), new Map());
      const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
      // The hash is of the script as the page carries it, byte for byte.
      const inPage = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
      expect(inPage).toBe(PAGE_JS);
      expect(PAGE_JS).toBe(`${FILTER_JS}\n${COPY_JS}`);
      const hash = createHash("sha256").update(inPage, "utf8").digest("base64");
      expect(csp).toBe(`default-src 'none'; script-src 'sha256-${hash}'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'`);
      // The meta comes before anything it governs.
      expect(html.indexOf("Content-Security-Policy")).toBeLessThan(html.indexOf("<style>"));
      // The script is a constant: no run's value is written into it, and it asks for nothing outside the page.
      expect(PAGE_JS).not.toMatch(/fetch|XMLHttpRequest|localStorage|sessionStorage|innerHTML|eval\(|https?:/);
    });

    it("writes no form for an empty invocation", () => {
      expect(reportHtml(invocation([]), new Map())).not.toContain("<form");
    });
  });

  describe("writeReport", () => {
    let dir: string | undefined;
    afterEach(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("reads results.json and each run folder's timeline (an absolute run.dir by its last part) and writes report.html", () => {
      dir = mkdtempSync(join(tmpdir(), "faraday-html-"));
      const r = run({ verdict: "pass" });
      mkdirSync(join(dir, "broker-crash.mqtt_as.v3.1.1.mosquitto"));
      const lines = crashTimeline().map((e) => JSON.stringify(e));
      writeFileSync(join(dir, "broker-crash.mqtt_as.v3.1.1.mosquitto", "timeline.jsonl"), lines.join("\n") + "\n{\"t\":19500,\"src\":\"dev"); // torn last line
      writeFileSync(join(dir, "results.json"), JSON.stringify(invocation([r]), null, 2));
      writeReport(dir);
      const html = readFileSync(join(dir, "report.html"), "utf8");
      expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
      expect(html).toContain(">brokerCrash</text>");
      // Self-contained: no external resource, and no script but the page's own.
      expect(withoutFilterScript(html)).not.toMatch(/<script|<link|https?:\/\/|\bsrc=/);
      // Links to the run's files that are there (this run has no client.log).
      expect(html).toContain(`<a href="broker-crash.mqtt_as.v3.1.1.mosquitto/timeline.jsonl">timeline.jsonl</a></div>`);
      expect(html).not.toContain("/client.log");
    });

    it("finds each run by the dir results.json gives, relative to it", () => {
      dir = mkdtempSync(join(tmpdir(), "faraday-html-"));
      const r = run({ verdict: "pass", dir: "shard-2/broker-crash.mqtt_as.v3.1.1.mosquitto" });
      mkdirSync(join(dir, "shard-2", "broker-crash.mqtt_as.v3.1.1.mosquitto"), { recursive: true });
      writeFileSync(join(dir, "shard-2", "broker-crash.mqtt_as.v3.1.1.mosquitto", "timeline.jsonl"), crashTimeline().map((e) => JSON.stringify(e)).join("\n") + "\n");
      writeFileSync(join(dir, "shard-2", "broker-crash.mqtt_as.v3.1.1.mosquitto", "client.log"), "hello\n");
      writeFileSync(join(dir, "results.json"), JSON.stringify(invocation([r]), null, 2));
      writeReport(dir);
      const html = readFileSync(join(dir, "report.html"), "utf8");
      expect(html).toContain(">brokerCrash</text>");
      expect(html).toContain(`<a href="shard-2/broker-crash.mqtt_as.v3.1.1.mosquitto/timeline.jsonl">timeline.jsonl</a> <a href="shard-2/broker-crash.mqtt_as.v3.1.1.mosquitto/client.log">client.log</a>`);
    });
  });
});
