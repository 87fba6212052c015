import { PAD_L, W } from "./strip.ts";

/** report.html's stylesheet, inlined in the page as one line. */
export const CSS = `
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
.cause{border-radius:7px;padding:8px 12px;margin:8px 0 6px;overflow-wrap:anywhere;font-size:14.5px;border:1px solid var(--line)}
.cause.v-fail{background:var(--fail-bg);border-color:#f1b9b9}.cause.v-warn{background:var(--warn-bg);border-color:#f0d49c}
.cause b{text-transform:uppercase;font-size:12px;letter-spacing:.05em;margin-right:4px}
.cause .csrc{font-size:12px;color:var(--mute);margin-right:6px}
.cause .csrc::after{content:":"}
.cline{font-weight:500}
.gate{display:inline-block;border-radius:999px;padding:0 9px;font-size:12px;font-weight:650;border:1.5px solid var(--skip);color:var(--skip);white-space:nowrap;background:#fff}
.gate.g-new-failure{border-color:var(--fail);color:var(--fail)}.gate.g-fixed,.gate.g-new-pass,.gate.g-pass{border-color:var(--pass);color:var(--pass)}.gate.g-not-judged{border-color:var(--warn);color:var(--warn)}.gate.g-new-cell{border-color:#2a4f9e;color:#2a4f9e}
.rerun{display:flex;flex-wrap:wrap;align-items:center;gap:6px 18px;font-size:13px;margin:0 0 10px}
.rerun .lbl{color:var(--mute);margin-right:6px}
.repro{display:flex;align-items:center;min-width:0;max-width:100%}
.repro code{background:#f1f3f6;border-radius:5px;padding:2px 8px;font-size:12.5px;overflow-wrap:anywhere;user-select:all}
.copy{display:none;font:inherit;font-size:12px;color:var(--ink);background:#fff;border:1px solid var(--line);border-radius:5px;padding:1px 8px;margin-left:6px;cursor:pointer}
html[data-copy] .copy{display:inline-block}
.files a{margin-right:10px;font-family:var(--mono);font-size:12.5px}
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
[hidden]{display:none!important}
.filters{position:sticky;top:0;z-index:2;display:flex;flex-wrap:wrap;align-items:center;gap:6px 18px;background:#fff;border:1px solid var(--line);border-radius:10px;padding:9px 16px;margin:-6px 0 16px;font-size:13px;box-shadow:0 2px 6px rgba(29,35,43,.06)}
.filters label{display:inline-flex;align-items:center;gap:5px;color:var(--mute)}
.filters select{font:inherit;color:var(--ink);padding:1px 4px;border:1px solid var(--line);border-radius:5px;background:#fff}
.filters button{font:inherit;font-size:12px;color:var(--ink);background:#f1f3f6;border:1px solid var(--line);border-radius:5px;padding:2px 10px;cursor:pointer}
.filters output{margin-left:auto;font-weight:600}
body:has(form.filters:not([hidden])) .run{scroll-margin-top:64px}
@media (max-width:820px){.filters{position:static}body:has(form.filters:not([hidden])) .run{scroll-margin-top:12px}}
.matrix.compact{border-spacing:2px}
.matrix.compact thead th{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;font-size:11.5px;padding:4px 1px;text-align:left}
.matrix.compact thead th.corner{writing-mode:horizontal-tb;transform:none;vertical-align:bottom}
.matrix.compact .sub{font-size:11px}
.matrix.compact tbody th{min-width:0;max-width:none;white-space:nowrap;padding:0 8px 0 2px}
.matrix.compact tbody th .sub{display:none}
.matrix.compact tbody th a{font-size:12px}
.matrix.compact td{white-space:nowrap;text-align:center;vertical-align:middle}
.matrix.compact .cell{display:inline-block;min-width:0;width:18px;height:18px;margin:0 1px 0 0;padding:0;border-radius:3px;font:700 12px/18px var(--mono);text-align:center;vertical-align:middle}
.matrix.compact .cell b,.matrix.compact .cell small{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.matrix.compact .cell::before{content:"?"}
.matrix.compact .cell.v-pass::before{content:"✓"}.matrix.compact .cell.v-fail::before{content:"✗"}.matrix.compact .cell.v-warn::before{content:"!"}.matrix.compact .cell.v-skip::before{content:"–"}
.run{content-visibility:auto;contain-intrinsic-size:auto 560px}
@media print{body{background:#fff}.run,header,.matrix-wrap{break-inside:avoid-page}.run{content-visibility:visible}.filters{display:none}}
`
  .trim()
  .replace(/\n/g, "");
