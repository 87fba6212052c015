import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { RunResult } from "./run.ts";
import type { RunVerdict } from "../checks/verdict.ts";
import type { CheckResult, Evidence } from "../checks/check.ts";
import type { TimelineEvent } from "../timeline/event.ts";
import { at } from "../timeline/event.ts";
import { cellsByVerdict, declaredVsFound, type Difference } from "./compliance.ts";
import { buildLedger, type LedgerEntry } from "../checks/ledger.ts";
import { brokerDownIntervals, faultSpans } from "../checks/history.ts";
import { clip, visible } from "./safeText.ts";

/**
 * report.html: one self-contained page per invocation (inline CSS and SVG, no script, no
 * external resource), so it opens offline and can be attached to a release. A header with
 * the tallies, a matrix scenario × client/protocol/broker/device linking to each run, and
 * per run its checks with their evidence, a timeline strip and the tail of the client's log.
 */

export interface ReportInvocation {
  command: string;
  seed: number;
  startedAt: string;
  faraday: string;
  runs: RunResult[];
}

const VERDICTS: RunVerdict[] = ["fail", "error", "unknown", "pass", "unsupported", "skip"];
const LOG_LINES = 200;
/** The most characters shown of one client-log line; the rest is counted, not shown. */
const LOG_LINE_CHARS = 2000;
/** The most characters of any one value on the page (a megabyte topic or error stays a note). */
const VALUE_CHARS = 20_000;
/** Above this many messages in a lane, ticks are bucketed per 2 px instead of drawn one by one. */
const TICKS_ONE_BY_ONE = 400;

// ---------------------------------------------------------------------------------------------
// Text helpers

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

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function duration(ms: number): string {
  if (ms < 60_000) return secs(ms);
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
}

/** "2026-11-25T074812" (the invocation stamp) or an ISO time → "2026-11-25 07:48:12 UTC". */
function when(stamp: string): string {
  const compact = /^(\d{4}-\d\d-\d\d)T(\d\d)(\d\d)(\d\d)$/.exec(stamp);
  if (compact) return `${compact[1]} ${compact[2]}:${compact[3]}:${compact[4]} UTC`;
  const iso = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d+)?Z$/.exec(stamp);
  if (iso) return `${iso[1]} ${iso[2]} UTC`;
  return stamp;
}

function verdictClass(v: string): string {
  if (v === "pass") return "v-pass";
  if (v === "fail") return "v-fail";
  if (v === "unsupported" || v === "skip") return "v-skip";
  return "v-warn"; // error, unknown, anything new
}

const chip = (v: string, text: string = v) => `<span class="chip ${verdictClass(v)}">${esc(text)}</span>`;

/** A stable, valid, unique anchor per run. */
function anchors(runs: RunResult[]): Map<RunResult, string> {
  const out = new Map<RunResult, string>();
  const used = new Set<string>();
  for (const r of runs) {
    const base = `run-${String(r.id ?? "run").replace(/[^A-Za-z0-9_.-]/g, "_")}`;
    let id = base;
    for (let i = 2; used.has(id); i++) id = `${base}-${i}`;
    used.add(id);
    out.set(r, id);
  }
  return out;
}

// A compliance feature belongs to one protocol (its id says which), so its columns are
// client × broker; other runs keep a column per protocol.
const columnOf = (r: RunResult) =>
  r.feature
    ? { key: `${r.client}\u0000*\u0000${r.broker}\u0000${r.device}`, client: r.client, sub: `${r.broker} · ${r.device}` }
    : { key: `${r.client}\u0000${r.protocol}\u0000${r.broker}\u0000${r.device}`, client: r.client, sub: `v${r.protocol} · ${r.broker} · ${r.device}` };

/** A skipped or unsupported cell says why in a few words; the whole reason is in its tooltip. */
function shortReason(r: RunResult): string {
  const why = r.reason ?? "";
  const lacks = /lacks "([^"]+)"/.exec(why);
  if (lacks) return `broker lacks ${lacks[1]}`;
  if (/Docker engine/.test(why)) return "no Docker engine";
  if (/does not speak MQTT/.test(why)) return "broker: no MQTT 5";
  if (/cannot be configured with "([^"]+)"/.test(why)) return `broker: no ${/cannot be configured with "([^"]+)"/.exec(why)![1]} setting`;
  const declared = /declares "([^"]+)" unsupported/.exec(why);
  if (declared) return `declared: ${declared[1]}`;
  if (/does not support MQTT/.test(why)) return "client: no MQTT 5";
  return "not run";
}

function checkTally(r: RunResult): string {
  const checks = r.checks ?? [];
  const n = (v: string) => checks.filter((c) => c.verdict === v).length;
  if (r.verdict === "unsupported" || r.verdict === "skip") return shortReason(r);
  if (r.verdict === "error") return `lab error${checks.length ? ", checks not judged" : ""} · ${secs(r.durationMs)}`;
  if (checks.length === 0) return secs(r.durationMs);
  const parts = n("fail") ? `${n("fail")}/${checks.length} checks fail` : n("unknown") ? `${n("unknown")}/${checks.length} undecided` : `${checks.length}/${checks.length} pass`;
  return `${parts} · ${secs(r.durationMs)}`;
}

// ---------------------------------------------------------------------------------------------
// The page

export function reportHtml(invocation: ReportInvocation, timelines: Map<string, TimelineEvent[]>): string {
  const runs = invocation.runs ?? [];
  const ids = anchors(runs);
  const tallies = VERDICTS.map((v) => [v, runs.filter((r) => r.verdict === v).length] as const).filter(([, n]) => n > 0);
  const head = `<header>
<h1>Faraday report</h1>
<div class="cmd"><code>${esc(invocation.command)}</code></div>
<dl class="meta">
<div><dt>seed</dt><dd>${esc(invocation.seed)}</dd></div>
<div><dt>faraday</dt><dd>${esc(invocation.faraday)}</dd></div>
<div><dt>started</dt><dd>${esc(when(invocation.startedAt))}</dd></div>
<div><dt>runs</dt><dd>${runs.length}</dd></div>
</dl>
<div class="tallies">${tallies.map(([v, n]) => chip(v, `${n} ${v}`)).join(" ")}</div>
</header>`;

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Faraday — ${esc(invocation.command)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${head}
${matrix(runs, ids)}
${differencesHtml(runs, ids)}
<section class="runs">
<h2 class="runs-h">Runs</h2>
${LEGEND}
${runs.map((r) => runSection(r, ids.get(r)!, timelines.get(r.id))).join("\n")}
</section>
<footer>Generated by faraday ${esc(invocation.faraday)} from results.json and each run's timeline.jsonl. Times are seconds since the run started, on the host's monotonic clock.</footer>
</main>
</body>
</html>
`;
}

/** Declared vs found, both ways: what a maintainer should change in the manifest or the client. */
function differencesHtml(runs: RunResult[], ids: Map<RunResult, string>): string {
  if (!runs.some((r) => r.feature)) return "";
  const diffs = declaredVsFound(runs);
  const byVerdict = cellsByVerdict(runs);
  const tally = Object.entries(byVerdict).map(([v, n]) => chip(v, `${n} ${v}`)).join(" ");
  const row = (d: Difference) => {
    const r = runs.find((x) => x.id === d.run);
    return `<li><a href="#${r ? ids.get(r) : ""}">${esc(d.feature)}</a> <span class="spec">§${esc(d.spec)}</span> — ${esc(d.text)}</li>`;
  };
  const works = diffs.filter((d) => d.kind === "declared-unsupported-but-works");
  const gaps = diffs.filter((d) => d.kind === "undeclared-gap");
  return `<section class="declared">
<h2>Declared vs found</h2>
<p>${runs.filter((r) => r.feature).length} compliance cells: ${tally}</p>
<h3>Declared unsupported, but the probe passed (${works.length})</h3>
${works.length ? `<ul>${works.map(row).join("")}</ul>` : `<p class="empty">None.</p>`}
<h3>Not declared, but failed (${gaps.length})</h3>
${gaps.length ? `<ul>${gaps.map(row).join("")}</ul>` : `<p class="empty">None.</p>`}
</section>`;
}

function matrix(runs: RunResult[], ids: Map<RunResult, string>): string {
  if (runs.length === 0) return `<p class="empty">No runs.</p>`;
  const cols = new Map<string, ReturnType<typeof columnOf>>();
  for (const r of runs) {
    const c = columnOf(r);
    if (!cols.has(c.key)) cols.set(c.key, c);
  }
  const proto = (p: string) => (p === "3.1.1" ? 3.1 : Number(p) || 99);
  const columns = [...cols.values()].sort((a, b) => {
    const [ca, pa, ba, da] = a.key.split("\u0000") as [string, string, string, string];
    const [cb, pb, bb, db] = b.key.split("\u0000") as [string, string, string, string];
    return ca.localeCompare(cb) || ba.localeCompare(bb) || da.localeCompare(db) || proto(pa) - proto(pb);
  });
  const scenarios: { id: string; title: string; feature?: RunResult["feature"] }[] = [];
  for (const r of runs) if (!scenarios.some((s) => s.id === r.scenario)) scenarios.push({ id: r.scenario, title: r.title, ...(r.feature ? { feature: r.feature } : {}) });

  const th = columns.map((c) => `<th scope="col"><span class="cl">${esc(c.client)}</span><span class="sub">${esc(c.sub)}</span></th>`).join("");
  const rows = scenarios.map((s) => {
    const cells = columns.map((c) => {
      const here = runs.filter((r) => r.scenario === s.id && columnOf(r).key === c.key);
      if (here.length === 0) return `<td class="none">—</td>`;
      return `<td>${here
        .map((r) => {
          const bad = (r.checks ?? []).filter((k) => k.verdict !== "pass").map((k) => `${k.verdict}: ${k.name} — ${k.summary}`);
          const tip = [`${r.verdict}: ${r.id}`, ...(r.reason ? [r.reason] : []), ...bad].join("\n");
          const small = r.probe ? `probe: ${r.probe}` : checkTally(r);
          return `<a class="cell ${verdictClass(r.verdict)}${r.probe === "pass" ? " surprise" : ""}" href="#${ids.get(r)}" title="${esc(tip)}"><b>${esc(r.verdict)}</b><small>${esc(small)}</small></a>`;
        })
        .join("")}</td>`;
    });
    const label = s.feature ? `${esc(s.feature.id)} <span class="spec">§${esc(s.feature.spec)}</span>` : esc(s.id);
    return `<tr><th scope="row"><a href="#${ids.get(runs.find((r) => r.scenario === s.id)!)}">${label}</a><span class="sub">${esc(s.feature?.claim ?? s.title)}</span></th>${cells.join("")}</tr>`;
  });
  return `<section class="matrix-wrap"><table class="matrix">
<thead><tr><th class="corner">scenario</th>${th}</tr></thead>
<tbody>${rows.join("\n")}</tbody>
</table></section>`;
}

function runSection(r: RunResult, anchor: string, events: TimelineEvent[] | undefined): string {
  const checks = r.checks ?? [];
  const facts = [
    ["client", `${r.client}${r.clientRevision ? ` (${r.clientRevision})` : ""}`],
    ["protocol", `MQTT ${r.protocol}`],
    ["broker", `${r.broker}${r.brokerDurable === false ? " (not durable)" : r.brokerDurable ? " (durable)" : ""}`],
    ["device", r.device],
    ...(r.verdict === "unsupported" || r.verdict === "skip" ? [] : [["duration", duration(r.durationMs)]]),
    ["started", when(r.startedAt)],
    ["seed", String(r.seed)],
  ];
  const reasonLabel = r.verdict === "unsupported" ? "unsupported" : r.verdict === "skip" ? "skipped" : r.verdict === "error" ? "lab error" : "note";
  const reason = r.reason ? `<div class="reason ${verdictClass(r.verdict)}"><b>${esc(reasonLabel)}:</b> ${esc(r.reason)}</div>` : "";
  const rank = (c: CheckResult) => (c.verdict === "fail" ? 0 : c.verdict === "pass" ? 2 : 1);
  const ordered = checks.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i).map((x) => x.c);
  const failing = checks.filter((c) => c.verdict === "fail").length;
  // A broken run's checks are shown for what happened, under a heading that says they are not
  // the client's verdict.
  const notJudged = r.verdict === "error" && checks.length ? ` — not judged: the lab broke${r.labBreak ? ` at ${secs(r.labBreak.t)}` : ""}` : "";
  const checksHtml = checks.length
    ? `<h4>Checks <span class="count">${failing ? `${failing} of ${checks.length} fail` : `${checks.length - checks.filter((c) => c.verdict === "unknown").length} of ${checks.length} pass`}${esc(notJudged)}</span></h4><div class="checks${notJudged ? " not-judged" : ""}">${ordered.map(checkHtml).join("\n")}</div>`
    : r.verdict === "unsupported" || r.verdict === "skip"
      ? ""
      : `<p class="empty">No check judged this run.</p>`;
  const strip = events && events.length ? timelineStrip(r, events) : "";
  const log = events && events.length ? clientLog(events) : "";
  return `<section class="run ${verdictClass(r.verdict)}" id="${esc(anchor)}">
<div class="run-h">${chip(r.verdict)}<h3>${esc(r.id)}</h3><a class="top" href="#" title="back to the top">↑ top</a></div>
<p class="title">${esc(r.title)}</p>
<dl class="facts">${facts.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join("")}</dl>
${reason}
${strip}
${checksHtml}
${log}
</section>`;
}

function checkHtml(c: CheckResult): string {
  const open = c.verdict !== "pass" ? " open" : "";
  const head = `${chip(c.verdict)} <b class="cname">${esc(c.name)}</b> <span class="csum">${esc(c.summary)}</span>`;
  const evidence = c.evidence ?? [];
  if (evidence.length === 0) return `<div class="check ${verdictClass(c.verdict)}"><div class="chead">${head}</div></div>`;
  return `<details class="check ${verdictClass(c.verdict)}"${open}><summary class="chead">${head}</summary><ul class="ev">${evidence.map(evidenceHtml).join("")}</ul></details>`;
}

function evidenceHtml(e: Evidence): string {
  const t = typeof e.t === "number" && Number.isFinite(e.t) ? `<span class="t">${esc(at(e.t))}</span>` : `<span class="t"></span>`;
  const charged = typeof e.charged === "string" ? ` <span class="charged ch-${esc(e.charged)}">${esc(e.charged)}</span>` : "";
  let extra = "";
  if (typeof e.tb === "string" && e.tb.trim()) extra += `<pre class="tb">${esc(e.tb.trimEnd())}</pre>`;
  if (Array.isArray(e.tail) && e.tail.length) extra += `<pre class="tb">${esc(e.tail.map(String).join("\n"))}</pre>`;
  return `<li>${t}<span class="etext">${esc(e.text)}${charged}${extra}</span></li>`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function clientLog(events: TimelineEvent[]): string {
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

// ---------------------------------------------------------------------------------------------
// The timeline strip

const W = 1000;
const PAD_L = 96;
const PAD_R = 14;
const PLOT_W = W - PAD_L - PAD_R;

interface Band {
  label: string;
  from: number;
  to: number;
  tip: string;
  profile: boolean;
}

/** A nice axis step (1, 2, 5 × 10^k ms, or 15/30 s, 1/2/5/10/15/30 min …): at most ~12 labelled ticks. */
function axisStep(endMs: number): number {
  const steps = [100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000];
  const found = steps.find((s) => endMs / s <= 12);
  if (found) return found;
  let step = 3_600_000;
  while (endMs / step > 12) step *= 2;
  return step;
}

const n1 = (v: number) => (Math.round(v * 10) / 10).toString();

function timelineStrip(r: RunResult, events: TimelineEvent[]): string {
  let end = 0;
  for (const e of events) if (Number.isFinite(e.t) && e.t > end) end = e.t;
  end = Math.max(end, 1000);
  const x = (t: number) => PAD_L + (Math.min(Math.max(t, 0), end) / end) * PLOT_W;

  // Fault and profile bands, packed into label rows so overlapping faults stay legible.
  const bands: Band[] = [];
  for (const p of profileSpans(events)) bands.push({ ...p, profile: true });
  for (const f of faultSpans(events)) {
    const to = Number.isFinite(f.to) ? f.to : end;
    const params = Object.keys(f.params).length ? ` ${JSON.stringify(f.params)}` : "";
    bands.push({ label: f.fault, from: f.from, to, tip: `fault ${f.fault}: ${at(f.from)} – ${Number.isFinite(f.to) ? at(f.to) : "end of run"}${params}`, profile: false });
  }
  bands.sort((a, b) => Number(b.profile) - Number(a.profile) || a.from - b.from);
  // Spans of one kind close together (a flapping AP) share a row and one label: "apLoss ×20".
  const labelW = (text: string) => 8 + text.length * 6.2;
  const clusters: { bands: Band[]; label: string; from: number; to: number }[] = [];
  for (const b of bands) {
    const c = clusters.findLast((k) => k.bands[0]!.profile === b.profile && k.bands[0]!.label === b.label);
    if (c && x(b.from) < Math.max(x(c.to) + 40, x(c.from) + labelW(`${c.label} ×99`) + 4)) {
      c.bands.push(b);
      c.to = Math.max(c.to, b.to);
    } else clusters.push({ bands: [b], label: b.label, from: b.from, to: b.to });
  }
  for (const c of clusters) if (c.bands.length > 1) c.label = `${c.label} ×${c.bands.length}`;
  // Rows: a cluster goes in the first row free at its start (bar and label); at most 4 rows.
  const rowEnds: number[] = [];
  const rowOf = new Map<(typeof clusters)[number], number>();
  for (const c of clusters) {
    const x0 = x(c.from);
    const reach = Math.max(x(c.to), x0 + labelW(c.label));
    let row = rowEnds.findIndex((e) => e <= x0);
    if (row === -1) {
      if (rowEnds.length < 4) row = rowEnds.push(0) - 1;
      else row = rowEnds.indexOf(Math.min(...rowEnds));
    }
    rowEnds[row] = Math.max(rowEnds[row] ?? 0, reach);
    rowOf.set(c, row);
  }

  const ROW = 14;
  const top = 4;
  const laneTop = top + rowEnds.length * ROW + (rowEnds.length ? 3 : 0);
  const lanes = {
    broker: { y: laneTop, h: 9 },
    client: { y: laneTop + 14, h: 13 },
    up: { y: laneTop + 33, h: 15 },
    down: { y: laneTop + 53, h: 15 },
  };
  const laneBottom = lanes.down.y + lanes.down.h;
  const height = laneBottom + 20;
  const out: string[] = [];

  // Axis grid.
  const step = axisStep(end);
  for (let t = 0; t <= end + 1e-6; t += step) {
    const gx = n1(x(t));
    out.push(`<line class="grid" x1="${gx}" x2="${gx}" y1="${laneTop - 2}" y2="${laneBottom + 3}"/>`);
    out.push(`<text class="ax" x="${gx}" y="${laneBottom + 15}" text-anchor="${t === 0 ? "start" : "middle"}">${esc(axisLabel(t, step))}</text>`);
  }

  // Bands: a strong bar in its label row, a faint shade across the lanes.
  for (const c of clusters) {
    const y = top + rowOf.get(c)! * ROW;
    const cls = c.bands[0]!.profile ? "prof" : "fault";
    const parts = c.bands.map((b) => {
      const x0 = x(b.from);
      const w = n1(Math.max(x(b.to) - x0, 1.5));
      return `<g><title>${esc(b.tip)}</title><rect class="shade" x="${n1(x0)}" y="${y}" width="${w}" height="${laneBottom - y + 2}"/><rect class="bar" x="${n1(x0)}" y="${y}" width="${w}" height="${ROW - 2}"/></g>`;
    });
    out.push(`<g class="${cls}">${parts.join("")}<text class="blabel" x="${n1(x(c.from) + 3)}" y="${y + 9.5}">${esc(c.label)}</text></g>`);
  }

  // Lane labels.
  const label = (y: number, h: number, text: string, tip: string) =>
    `<text class="lane" x="${PAD_L - 8}" y="${n1(y + h / 2 + 3.5)}" text-anchor="end"><title>${esc(tip)}</title>${esc(text)}</text>`;
  if (rowEnds.length) out.push(label(top, rowEnds.length * ROW - 2, "faults", "fault spans (start → end), labelled with the fault's kind"));
  out.push(label(lanes.broker.y, lanes.broker.h, "broker", "broker process: running (green) / down, exit → ready (red)"));
  out.push(label(lanes.client.y, lanes.client.h, "client", "the client's own signal: up (green) / down (red); red diamonds are exceptions, tracebacks and unexpected exits"));
  out.push(label(lanes.up.y, lanes.up.h, "↑ published", "device → observer messages, at the time the client published them"));
  out.push(label(lanes.down.y, lanes.down.h, "↓ received", "observer → device messages, at the time the observer published them"));

  // Broker: running or down.
  const bDown = brokerDownIntervals(events);
  const firstReady = events.find((e) => e.src === "broker" && e.kind === "ready")?.t;
  out.push(`<rect class="off" x="${PAD_L}" y="${lanes.broker.y}" width="${PLOT_W}" height="${lanes.broker.h}"/>`);
  if (firstReady !== undefined) {
    out.push(`<rect class="bup" x="${n1(x(firstReady))}" y="${lanes.broker.y}" width="${n1(x(end) - x(firstReady))}" height="${lanes.broker.h}"><title>broker running from ${esc(at(firstReady))}</title></rect>`);
  }
  for (const iv of bDown) {
    const to = Number.isFinite(iv.to) ? iv.to : end;
    out.push(
      `<rect class="down" x="${n1(x(iv.from))}" y="${lanes.broker.y}" width="${n1(Math.max(x(to) - x(iv.from), 1))}" height="${lanes.broker.h}"><title>broker down ${esc(at(iv.from))} – ${esc(Number.isFinite(iv.to) ? at(iv.to) : "end of run")}</title></rect>`,
    );
  }

  // Client connectivity from its own up/down signals.
  out.push(`<rect class="off" x="${PAD_L}" y="${lanes.client.y}" width="${PLOT_W}" height="${lanes.client.h}"/>`);
  for (const s of connectivity(events, end)) {
    const cls = s.state === "up" ? "cup" : s.state === "down" ? "down" : "gone";
    const w = Math.max(x(s.to) - x(s.from), 0.8);
    out.push(`<rect class="${cls}" x="${n1(x(s.from))}" y="${lanes.client.y}" width="${n1(w)}" height="${lanes.client.h}"><title>client ${s.state === "gone" ? "process exited" : s.state} ${esc(at(s.from))} – ${esc(at(s.to))}</title></rect>`);
  }

  // Messages, both directions.
  const ledger = safeLedger(events);
  out.push(`<rect class="lanebg" x="${PAD_L}" y="${lanes.up.y}" width="${PLOT_W}" height="${lanes.up.h}"/>`);
  out.push(`<rect class="lanebg" x="${PAD_L}" y="${lanes.down.y}" width="${PLOT_W}" height="${lanes.down.h}"/>`);
  out.push(ticks(ledger.filter((m) => m.dir === "up"), lanes.up, x, "↑"));
  out.push(ticks(ledger.filter((m) => m.dir === "down"), lanes.down, x, "↓"));

  // The client's exceptions, tracebacks and unexpected exits.
  const cy = lanes.client.y + lanes.client.h / 2;
  for (const m of clientTroubles(events)) {
    const mx = x(m.t);
    out.push(`<path class="err" d="M${n1(mx)} ${n1(cy - 6)}l5 6l-5 6l-5 -6z"><title>${esc(`${at(m.t)} ${m.text}`)}</title></path>`);
  }

  // When failing checks say something happened.
  const seen = new Set<string>();
  for (const c of r.checks ?? []) {
    if (c.verdict !== "fail") continue;
    for (const e of c.evidence ?? []) {
      if (typeof e.t !== "number" || !Number.isFinite(e.t)) continue;
      const ex = n1(x(e.t));
      const k = `${ex}`;
      const tip = `${c.name} @ ${at(e.t)}: ${e.text}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(`<line class="evl" x1="${ex}" x2="${ex}" y1="${laneTop - 3}" y2="${laneBottom + 3}"><title>${esc(tip)}</title></line>`);
    }
  }

  const stats = laneStats(ledger);
  return `<figure class="strip"><svg class="tl" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" role="img" aria-label="timeline of ${esc(r.id)}">${out.join("")}</svg><figcaption>${stats}</figcaption></figure>`;
}

function axisLabel(t: number, step: number): string {
  const s = t / 1000;
  return `${step < 1000 ? s.toFixed(1) : Math.round(s)} s`;
}

function profileSpans(events: TimelineEvent[]): Omit<Band, "profile">[] {
  const out: Omit<Band, "profile">[] = [];
  const open = new Map<string, { from: number; params: unknown }>();
  let end = 0;
  for (const e of events) {
    end = Math.max(end, e.t);
    if (e.src !== "fault") continue;
    const name = String(e.profile ?? "");
    if (e.kind === "profile") open.set(name, { from: e.t, params: e.params });
    else if (e.kind === "profile.end" && open.has(name)) {
      const o = open.get(name)!;
      open.delete(name);
      out.push({ label: name, from: o.from, to: e.t, tip: `profile ${name}: ${at(o.from)} – ${at(e.t)}` });
    }
  }
  for (const [name, o] of open) out.push({ label: name, from: o.from, to: end, tip: `profile ${name}: ${at(o.from)} – end of run` });
  return out;
}

type Conn = "up" | "down" | "gone";

function connectivity(events: TimelineEvent[], end: number): { state: Conn; from: number; to: number }[] {
  const out: { state: Conn; from: number; to: number }[] = [];
  let cur: { state: Conn; from: number } | undefined;
  const go = (state: Conn | undefined, t: number) => {
    if (cur && cur.state === state) return;
    if (cur) out.push({ ...cur, to: t });
    cur = state ? { state, from: t } : undefined;
  };
  for (const e of events) {
    if (e.src !== "device") continue;
    if (e.kind === "up") go("up", e.t);
    else if (e.kind === "down") go("down", e.t);
    else if (e.kind === "exit") go("gone", e.t);
    else if (e.kind === "hello") go(undefined, e.t);
  }
  if (cur) out.push({ ...cur, to: end });
  return out;
}

function clientTroubles(events: TimelineEvent[]): { t: number; text: string }[] {
  const out: { t: number; text: string }[] = [];
  const stoppingAt = events.find((e) => e.src === "lab" && e.kind === "device.stopping")?.t ?? Infinity;
  const powerOffs = events.filter((e) => e.src === "lab" && e.kind === "device.power" && e.on === false).map((e) => e.t);
  for (const [i, e] of events.entries()) {
    if (e.src !== "device") continue;
    if (e.kind === "error") out.push({ t: e.t, text: `exception: ${String(e.msg ?? "")}` });
    else if (e.kind === "log" && typeof e.line === "string" && e.line.startsWith("Traceback (most recent call last)")) {
      const tail = events
        .slice(i, i + 60)
        .filter((x) => x.src === "device" && x.kind === "log")
        .slice(0, 8)
        .map((x) => String(x.line));
      out.push({ t: e.t, text: `traceback:\n${tail.join("\n")}` });
    } else if (e.kind === "exit" && e.t < stoppingAt && !powerOffs.some((p) => e.t >= p && e.t - p < 5000)) {
      out.push({ t: e.t, text: `device process exited by itself (code ${String(e.code)}, signal ${String(e.signal)})` });
    }
  }
  return out;
}

function safeLedger(events: TimelineEvent[]): LedgerEntry[] {
  try {
    return buildLedger(events);
  } catch {
    return [];
  }
}

type Fate = "ok" | "lost" | "nack";

/** Delivered (dark); acknowledged QoS ≥ 1 but never delivered (red); failed, unanswered or QoS 0 dropped (grey). */
function fate(m: LedgerEntry): Fate {
  if (m.deliveries.length > 0) return "ok";
  if (m.ackedAt !== undefined && m.qos > 0) return "lost";
  return "nack";
}

function tickTip(m: LedgerEntry, arrow: string): string {
  const name = m.seq !== undefined ? `seq ${m.seq}` : JSON.stringify(m.payload.slice(0, 40));
  const parts = [`${arrow} ${name} QoS ${m.qos} on ${m.topic}`, `sent ${at(m.sentAt)}`];
  if (m.ackedAt !== undefined) parts.push(`acknowledged ${at(m.ackedAt)}`);
  if (m.failedAt !== undefined) parts.push(`failed ${at(m.failedAt)}: ${m.failure ?? ""}`);
  if (m.deliveries.length) parts.push(`delivered ${m.deliveries.map(at).join(", ")}`);
  else parts.push(m.ackedAt !== undefined ? "NEVER DELIVERED" : "not delivered");
  return parts.join(" · ");
}

function ticks(msgs: LedgerEntry[], lane: { y: number; h: number }, x: (t: number) => number, arrow: string): string {
  if (msgs.length === 0) return "";
  const y0 = lane.y + 1;
  const h = lane.h - 2;
  const order: Fate[] = ["nack", "ok", "lost"];
  if (msgs.length <= TICKS_ONE_BY_ONE) {
    // One line each, drawn grey, then dark, then red so losses stay on top.
    return order
      .flatMap((f) => msgs.filter((m) => fate(m) === f).map((m) => `<line class="m-${f}" x1="${n1(x(m.sentAt))}" x2="${n1(x(m.sentAt))}" y1="${y0}" y2="${y0 + h}"><title>${esc(tickTip(m, arrow))}</title></line>`))
      .join("");
  }
  // Many: one column per 2 px, split in proportion to the fates of its messages (red on top).
  const cols = new Map<number, Record<Fate, number>>();
  for (const m of msgs) {
    const c = Math.floor((x(m.sentAt) - PAD_L) / 2);
    const k = cols.get(c) ?? { ok: 0, lost: 0, nack: 0 };
    k[fate(m)]++;
    cols.set(c, k);
  }
  const paths: Record<Fate, string[]> = { ok: [], lost: [], nack: [] };
  for (const [c, k] of cols) {
    const total = k.ok + k.lost + k.nack;
    const cx = n1(PAD_L + c * 2 + 1);
    // A single loss must not vanish among hundreds of deliveries: red takes at least half the
    // column, grey at least a third of what is left.
    const redH = k.lost ? Math.max((h * k.lost) / total, h / 2) : 0;
    const greyH = k.nack ? Math.min(h - redH, Math.max((h * k.nack) / total, (h - redH) / 3)) : 0;
    const segs: [Fate, number][] = [["lost", redH], ["nack", k.ok ? greyH : h - redH], ["ok", h - redH - greyH]];
    let y = y0;
    for (const [f, seg] of segs) {
      if (!k[f] || seg <= 0) continue;
      paths[f].push(`M${cx} ${n1(y)}v${n1(seg)}`);
      y += seg;
    }
  }
  const counts = { ok: msgs.filter((m) => fate(m) === "ok").length, lost: msgs.filter((m) => fate(m) === "lost").length, nack: msgs.filter((m) => fate(m) === "nack").length };
  const tip = `${arrow} ${msgs.length} messages, drawn per 2 px: ${counts.ok} delivered, ${counts.lost} acknowledged but never delivered, ${counts.nack} not acknowledged`;
  return `<g><title>${esc(tip)}</title>${order
    .filter((f) => paths[f].length)
    .map((f) => `<path class="b-${f}" d="${paths[f].join("")}"/>`)
    .join("")}</g>`;
}

function laneStats(ledger: LedgerEntry[]): string {
  const line = (dir: "up" | "down", label: string) => {
    const ms = ledger.filter((m) => m.dir === dir);
    if (ms.length === 0) return `<span>${label}: none</span>`;
    const n = (f: Fate) => ms.filter((m) => fate(m) === f).length;
    const parts = [`${n("ok")} delivered`];
    if (n("lost")) parts.push(`<b class="lostn">${n("lost")} acknowledged, never delivered</b>`);
    if (n("nack")) parts.push(`${n("nack")} not acknowledged/not delivered`);
    const dups = ms.filter((m) => m.deliveries.length > 1).length;
    if (dups) parts.push(`${dups} delivered more than once`);
    return `<span>${label}: ${ms.length} sent — ${parts.join(", ")}</span>`;
  };
  return `${line("up", "↑ device → observer")}${line("down", "↓ observer → device")}`;
}

const LEGEND = `<div class="legend">
<span><i class="sw sw-fault"></i>fault span</span>
<span><i class="sw sw-cup"></i>client up</span>
<span><i class="sw sw-down"></i>client/broker down</span>
<span><i class="sw sw-bup"></i>broker running</span>
<span><i class="sw sw-gone"></i>device process gone</span>
<span><i class="tk tk-ok"></i>delivered</span>
<span><i class="tk tk-lost"></i>acknowledged, never delivered</span>
<span><i class="tk tk-nack"></i>failed / not acknowledged</span>
<span><i class="dm"></i>exception / traceback</span>
<span><i class="tk tk-ev"></i>evidence of a failing check</span>
<span class="hint">hover for details</span>
</div>`;

const CSS = `
.spec { font-weight: normal; color: #667; font-size: 0.85em; }
.cell.surprise { outline: 2px dashed #b58900; }
.declared { margin: 1.5em 0; }
.declared li { margin: 0.2em 0; }
:root{--pass:#1e8449;--pass-bg:#e4f4ea;--fail:#c62828;--fail-bg:#fdeaea;--warn:#b9770e;--warn-bg:#fdf2dc;--skip:#6b7785;--skip-bg:#edf0f3;--ink:#1d232b;--mute:#5d6773;--line:#dde2e8;--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono","Liberation Mono",monospace}
*{box-sizing:border-box}
body{margin:0;background:#f5f7f9;color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1080px;margin:0 auto;padding:24px 20px 40px}
main:has(.matrix th:nth-child(6)){max-width:1500px}
code,pre,.t,.mono{font-family:var(--mono)}
h1{font-size:22px;margin:0 0 6px;letter-spacing:-.01em}
header{background:#fff;border:1px solid var(--line);border-radius:10px;padding:18px 20px;margin-bottom:18px}
.cmd code{display:block;background:#f1f3f6;border-radius:6px;padding:7px 10px;font-size:13px;overflow-wrap:anywhere}
dl{margin:0}
.meta,.facts{display:flex;flex-wrap:wrap;gap:4px 22px;margin:10px 0}
.meta div,.facts div{display:flex;gap:6px}
dt{color:var(--mute)}
dd{margin:0;font-weight:500}
.tallies{display:flex;gap:8px;flex-wrap:wrap;margin-top:4px}
.chip{display:inline-block;border-radius:999px;padding:1px 10px;font-size:12px;font-weight:650;letter-spacing:.02em;color:#fff;white-space:nowrap;vertical-align:1px}
.tallies .chip{font-size:13px;padding:3px 12px}
.chip.v-pass{background:var(--pass)}.chip.v-fail{background:var(--fail)}.chip.v-warn{background:var(--warn)}.chip.v-skip{background:var(--skip)}
.matrix-wrap{background:#fff;border:1px solid var(--line);border-radius:10px;padding:14px 16px;margin-bottom:22px;overflow-x:auto}
.matrix{border-collapse:separate;border-spacing:4px;width:auto}
.matrix th{font-weight:600;text-align:left;vertical-align:bottom;padding:2px 6px}
.matrix thead th{font-size:13px}
.matrix .corner{color:var(--mute);font-weight:500}
.matrix .sub{display:block;color:var(--mute);font-weight:400;font-size:12px}
.matrix tbody th{vertical-align:middle;min-width:16em;max-width:28em}
.matrix tbody th a{color:var(--ink);text-decoration:none;font-family:var(--mono);font-size:13px}
.matrix td{padding:0;vertical-align:top}
.matrix td.none{color:#b9c0c8;text-align:center;vertical-align:middle}
.cell{display:block;min-width:128px;border-radius:7px;padding:7px 10px;color:#fff;text-decoration:none;margin-bottom:2px}
.cell b{display:block;text-transform:uppercase;font-size:13px;letter-spacing:.05em}
.cell small{display:block;opacity:.92;font-size:11.5px;white-space:nowrap}
.cell.v-pass{background:var(--pass)}.cell.v-fail{background:var(--fail)}.cell.v-warn{background:var(--warn)}.cell.v-skip{background:#9aa4af}
.cell:hover{filter:brightness(1.08);box-shadow:0 1px 4px rgba(0,0,0,.2)}
.runs-h{font-size:17px;margin:0 0 8px}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12px;color:var(--mute);margin:0 0 14px}
.legend span{display:inline-flex;align-items:center;gap:5px}
.legend .hint{font-style:italic}
.sw{display:inline-block;width:16px;height:9px;border-radius:2px}
.sw-fault{background:rgba(111,66,193,.35)}.sw-cup{background:#2f9e5b}.sw-down{background:#d9453d}.sw-bup{background:#9dd2ae}.sw-gone{background:#7c8792}
.tk{display:inline-block;width:2px;height:12px}
.tk-ok{background:#2b3440}.tk-lost{background:#e0201b}.tk-nack{background:#b4bcc6}.tk-ev{background:#e0201b;width:1px;height:14px}
.dm{display:inline-block;width:8px;height:8px;background:#e0201b;transform:rotate(45deg);outline:1px solid #fff}
.run{background:#fff;border:1px solid var(--line);border-left:5px solid var(--skip);border-radius:10px;padding:14px 18px 12px;margin-bottom:18px;scroll-margin-top:12px}
.run.v-pass{border-left-color:var(--pass)}.run.v-fail{border-left-color:var(--fail)}.run.v-warn{border-left-color:var(--warn)}
.run-h{display:flex;align-items:center;gap:10px}
.run-h h3{margin:0;font-size:16px;font-family:var(--mono);font-weight:600;overflow-wrap:anywhere}
.run-h .chip{font-size:12.5px;padding:2px 11px;text-transform:uppercase}
.run-h .top{margin-left:auto;font-size:12px;color:var(--mute);text-decoration:none}
.title{margin:4px 0 0;color:var(--mute)}
.facts{font-size:13px;margin:8px 0 10px}
.reason{border-radius:7px;padding:8px 12px;margin:8px 0 10px;overflow-wrap:anywhere}
.reason.v-skip{background:var(--skip-bg)}.reason.v-warn{background:var(--warn-bg)}.reason.v-fail{background:var(--fail-bg)}.reason.v-pass{background:var(--pass-bg)}
.strip{margin:6px 0 6px;overflow-x:auto}
.tl{display:block;max-width:100%;height:auto}
.tl text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
.tl .ax{font-size:10px;fill:#7a8591}
.tl .lane{font-size:11px;fill:#4a5561}
.tl .grid{stroke:#e6eaee;stroke-width:1}
.tl .off{fill:#eef1f4}
.tl .lanebg{fill:#f7f9fa}
.tl .cup{fill:#2f9e5b}.tl .bup{fill:#9dd2ae}.tl .down{fill:#d9453d}.tl .gone{fill:#7c8792}
.tl .fault .shade{fill:rgba(111,66,193,.09)}.tl .fault .bar{fill:rgba(111,66,193,.32)}
.tl .prof .shade{fill:rgba(33,118,174,.06)}.tl .prof .bar{fill:rgba(33,118,174,.25)}
.tl .blabel{font-size:10.5px;font-weight:600;fill:#3b2470}
.tl .prof .blabel{fill:#164e73}
.tl line.m-ok{stroke:#2b3440;stroke-width:1.2}.tl line.m-lost{stroke:#e0201b;stroke-width:1.6}.tl line.m-nack{stroke:#b4bcc6;stroke-width:1.2}
.tl path.b-ok{stroke:#2b3440;stroke-width:1.6}.tl path.b-lost{stroke:#e0201b;stroke-width:1.6}.tl path.b-nack{stroke:#b4bcc6;stroke-width:1.6}
.tl .err{fill:#e0201b;stroke:#fff;stroke-width:1.2}
.tl .evl{stroke:#e0201b;stroke-width:1;stroke-opacity:.75}
.strip figcaption{display:flex;flex-wrap:wrap;gap:2px 22px;font-size:12px;color:var(--mute);margin-top:2px;padding-left:${(PAD_L / W) * 100}%}
.lostn{color:var(--fail)}
h4{font-size:13px;margin:12px 0 6px;color:var(--mute);text-transform:uppercase;letter-spacing:.05em}
h4 .count{text-transform:none;letter-spacing:0;font-weight:500;margin-left:6px}
.checks{display:flex;flex-direction:column;gap:5px}.checks.not-judged{opacity:.6}
.check{border:1px solid var(--line);border-radius:7px;background:#fff}
.check.v-fail{border-color:#f1b9b9;background:#fffafa}
.check.v-warn{border-color:#f0d49c;background:#fffdf6}
.chead{padding:6px 10px;list-style:none;cursor:default}
summary.chead{cursor:pointer}
summary.chead::-webkit-details-marker{display:none}
summary.chead::before{content:"▸";display:inline-block;width:12px;color:var(--mute);transition:transform .1s}
details[open]>summary.chead::before{transform:rotate(90deg)}
div.chead{padding-left:22px}
.cname{font-family:var(--mono);font-size:13px;margin:0 6px 0 2px}
.csum{color:#333d48}
.check .chip{font-size:11px;padding:0 8px;min-width:44px;text-align:center}
.ev{list-style:none;margin:0;padding:2px 12px 8px 24px;font-size:13px}
.ev li{display:flex;gap:12px;padding:2px 0;border-top:1px dashed #eceff2}
.ev li:first-child{border-top:0}
.ev .t{flex:0 0 auto;min-width:76px;text-align:right;color:var(--mute);font-size:12px;padding-top:1px}
.ev .etext{flex:1;overflow-wrap:anywhere}
.charged{font-size:11px;border-radius:4px;padding:0 5px;margin-left:4px;background:#eef0f3;color:#4a5561;white-space:nowrap}
.ch-client{background:var(--fail-bg);color:var(--fail)}
.ch-broker,.ch-link{background:#e8eefb;color:#2a4f9e}
pre.tb{margin:4px 0 2px;font-size:11.5px;background:#f6f7f9;padding:6px 8px;border-radius:5px;white-space:pre-wrap}
.log{margin-top:10px}
.log>summary{cursor:pointer;font-size:13px;color:var(--mute);font-weight:600;text-transform:uppercase;letter-spacing:.05em;padding:4px 0}
.log>summary .count{text-transform:none;letter-spacing:0;font-weight:500;margin-left:6px}
.log pre{margin:4px 0 0;max-height:420px;overflow:auto;background:#1e242b;color:#d9dee4;border-radius:7px;padding:10px 12px;font-size:12px;line-height:1.45;white-space:pre-wrap;overflow-wrap:anywhere}
.log pre i{font-style:normal;color:#7f8b97}
.log pre .lbad{color:#ff8f86}
.empty{color:var(--mute);font-style:italic}
footer{color:var(--mute);font-size:12px;margin-top:24px;text-align:center}
@media print{body{background:#fff}.run,header,.matrix-wrap{break-inside:avoid-page}}
`
  .trim()
  .replace(/\n/g, "");

// ---------------------------------------------------------------------------------------------
// Files

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
