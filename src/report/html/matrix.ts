import type { RunResult } from "../run.ts";
import { cellsByVerdict, declaredVsFound, type Difference } from "../compliance.ts";
import { COMPACT_AT, filterAttrs } from "./filters.ts";
import { chip, esc, secs, verdictClass } from "./text.ts";

/**
 * The matrix at the top of report.html (scenario × client/protocol/broker/device, each cell
 * linking to its run) and, for compliance runs, declared vs found.
 */

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

/** Declared vs found, both ways: what a maintainer should change in the manifest or the client. */
export function differencesHtml(runs: RunResult[], ids: Map<RunResult, string>): string {
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

export function matrix(runs: RunResult[], ids: Map<RunResult, string>): string {
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
          const tip = [`${r.verdict}: ${r.id}`, ...(r.cause?.line ? [r.cause.line] : []), ...(r.reason && !r.cause?.line?.includes(r.reason) ? [r.reason] : []), ...bad].join("\n");
          const small = r.probe ? `probe: ${r.probe}` : checkTally(r);
          return `<a class="cell ${verdictClass(r.verdict)}${r.probe === "pass" ? " surprise" : ""}" href="#${ids.get(r)}" title="${esc(tip)}"${filterAttrs(r)}><b>${esc(r.verdict)}</b><small>${esc(small)}</small></a>`;
        })
        .join("")}</td>`;
    });
    const label = s.feature ? `${esc(s.feature.id)} <span class="spec">§${esc(s.feature.spec)}</span>` : esc(s.id);
    return `<tr><th scope="row"><a href="#${ids.get(runs.find((r) => r.scenario === s.id)!)}">${label}</a><span class="sub">${esc(s.feature?.claim ?? s.title)}</span></th>${cells.join("")}</tr>`;
  });
  return `<section class="matrix-wrap"><table class="matrix${runs.length > COMPACT_AT ? " compact" : ""}">
<thead><tr><th class="corner">scenario</th>${th}</tr></thead>
<tbody>${rows.join("\n")}</tbody>
</table></section>`;
}
