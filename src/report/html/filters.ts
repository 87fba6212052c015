import type { RunResult } from "../run.ts";
import { esc } from "./text.ts";

/**
 * The report's filters: failures only, verdict, protocol, broker and — once runs carry one — the
 * baseline class, plus the compact-matrix switch. Progressive enhancement: the form is written
 * `hidden` and only the inline script below shows it, so with scripts off the page is the whole
 * report, unfiltered. The script is one constant (no value of any run is ever written into it:
 * it reads the data-* attributes the page carries, which esc() wrote like any other text); it is
 * part of the page's one script (script.ts), which the Content-Security-Policy allows by its hash.
 */

/** Above this many runs the matrix starts compact: one small square per run. */
export const COMPACT_AT = 40;

/**
 * The baseline class of a run (new failure, known, fixed, new pass, new cell), when results.json
 * carries one: `run.baseline.class` (or `run.baseline` as a plain string). Undefined before runs
 * are compared with a baseline; the control is then left out.
 */
export function baselineClass(r: RunResult): string | undefined {
  const b = (r as { baseline?: unknown }).baseline;
  if (typeof b === "string" && b) return b;
  if (b && typeof b === "object") {
    const c = (b as { class?: unknown }).class;
    if (typeof c === "string" && c) return c;
  }
  return undefined;
}

/** The data-* attributes a run's section and its matrix cell share; what the filters read. */
export function filterAttrs(r: RunResult): string {
  const bc = baselineClass(r);
  return ` data-v="${esc(r.verdict)}" data-p="${esc(r.protocol)}" data-b="${esc(r.broker)}"${bc ? ` data-bc="${esc(bc)}"` : ""}`;
}

/** The values present, in order of first appearance unless an order is given; with their counts. */
function values(runs: RunResult[], of: (r: RunResult) => string | undefined, order: readonly string[] = []): [string, number][] {
  const counts = new Map<string, number>();
  for (const v of order) counts.set(v, 0);
  for (const r of runs) {
    const v = of(r);
    if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return [...counts].filter(([, n]) => n > 0);
}

function select(name: string, label: string, opts: [string, number][], show: (v: string) => string = (v) => v): string {
  const options = opts.map(([v, n]) => `<option value="${esc(v)}">${esc(`${show(v)} (${n})`)}</option>`).join("");
  return `<label>${esc(label)} <select name="${name}"><option value="">all</option>${options}</select></label>`;
}

export function filterBar(runs: RunResult[], verdictOrder: readonly string[]): string {
  if (runs.length === 0) return "";
  const fails = runs.filter((r) => r.verdict === "fail").length;
  const bc = values(runs, baselineClass);
  return `<form class="filters" id="filters" hidden aria-label="filter the runs">
<label><input type="checkbox" name="failures"> failures only (${fails})</label>
${select("verdict", "verdict", values(runs, (r) => r.verdict, verdictOrder))}
${select("protocol", "protocol", values(runs, (r) => r.protocol), (p) => `MQTT ${p}`)}
${select("broker", "broker", values(runs, (r) => r.broker))}
${bc.length ? select("baseline", "baseline", bc) : ""}
<label><input type="checkbox" name="compact"${runs.length > COMPACT_AT ? " checked" : ""}> compact matrix</label>
<button type="reset">show all</button>
<output name="shown">${runs.length} of ${runs.length} runs</output>
</form>`;
}

/**
 * The filter script. Plain ES2017, no library, no network, no storage: it shows the form, hides
 * the runs, matrix cells, rows and columns that do not match, and switches the matrix between
 * full and compact. A link to a run a filter hides shows that run rather than going nowhere.
 */
export const FILTER_JS = `(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) return;
  var el = form.elements;
  var runs = document.querySelectorAll("section.run[data-v]");
  var cells = document.querySelectorAll("table.matrix a.cell[data-v]");
  var table = document.querySelector("table.matrix");
  var rows = table && table.tBodies[0] ? table.tBodies[0].rows : [];
  var head = table && table.tHead ? table.tHead.rows[0] : null;
  function wanted(d) {
    if (el.failures.checked && d.v !== "fail") return false;
    if (el.verdict.value && d.v !== el.verdict.value) return false;
    if (el.protocol.value && d.p !== el.protocol.value) return false;
    if (el.broker.value && d.b !== el.broker.value) return false;
    if (el.baseline && el.baseline.value && d.bc !== el.baseline.value) return false;
    return true;
  }
  function apply() {
    var shown = 0, i, j;
    for (i = 0; i < runs.length; i++) {
      var ok = wanted(runs[i].dataset);
      if (runs[i].hidden === ok) runs[i].hidden = !ok;
      if (ok) shown++;
    }
    for (i = 0; i < cells.length; i++) {
      var on = wanted(cells[i].dataset);
      if (cells[i].hidden === on) cells[i].hidden = !on;
    }
    var cols = head ? head.cells.length : 0, used = [];
    for (i = 0; i < rows.length; i++) {
      var any = false;
      for (j = 1; j < rows[i].cells.length; j++) {
        if (rows[i].cells[j].querySelector("a.cell:not([hidden])")) { any = true; used[j] = true; }
      }
      if (rows[i].hidden === any) rows[i].hidden = !any;
    }
    for (j = 1; j < cols; j++) {
      var hide = !used[j];
      if (head.cells[j].hidden !== hide) head.cells[j].hidden = hide;
      for (i = 0; i < rows.length; i++) if (rows[i].cells[j] && rows[i].cells[j].hidden !== hide) rows[i].cells[j].hidden = hide;
    }
    if (table) table.classList.toggle("compact", el.compact.checked);
    el.shown.value = shown + " of " + runs.length + " runs";
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  document.addEventListener("click", function (e) {
    var a = e.target && e.target.closest ? e.target.closest('a[href^="#run-"]') : null;
    if (!a) return;
    var target = document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
    if (target && target.hidden) target.hidden = false;
  });
  form.hidden = false;
  apply();
  document.documentElement.setAttribute("data-filters", "ready");
  if (window.performance && performance.mark) performance.mark("faraday:filters-ready");
})();`;
