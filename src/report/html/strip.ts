import type { RunResult } from "../run.ts";
import type { TimelineEvent } from "../../timeline/event.ts";
import { at } from "../../timeline/event.ts";
import { buildLedger, type LedgerEntry } from "../../checks/ledger.ts";
import { brokerDownIntervals, faultSpans } from "../../checks/history.ts";
import { esc } from "./text.ts";
import { isBroker } from "../../timeline/is.ts";

/**
 * The timeline strip of one run (inline SVG): fault and profile bands, the broker and the
 * client's connectivity, message ticks both ways, and the times that checks quote.
 */

/** Above this many messages in a lane, ticks are bucketed per 2 px instead of drawn one by one. */
const TICKS_ONE_BY_ONE = 400;

export const W = 1000;
export const PAD_L = 96;
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

export function timelineStrip(r: RunResult, events: TimelineEvent[]): string {
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
  out.push(label(lanes.client.y, lanes.client.h, "client", "the client's own signal: up (green) / down (red); red diamonds are noUncaughtErrors' evidence: exceptions, tracebacks and unexpected exits"));
  out.push(label(lanes.up.y, lanes.up.h, "↑ published", "device → observer messages, at the time the client published them"));
  out.push(label(lanes.down.y, lanes.down.h, "↓ received", "observer → device messages, at the time the observer published them"));

  // Broker: running or down.
  const bDown = brokerDownIntervals(events);
  const firstReady = events.find((e) => isBroker(e, "ready"))?.t;
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

  // The client's exceptions, tracebacks and unexpected exits, as noUncaughtErrors quotes them.
  const cy = lanes.client.y + lanes.client.h / 2;
  for (const m of uncaughtErrors(r)) {
    const mx = x(m.t);
    out.push(`<path class="err" d="M${n1(mx)} ${n1(cy - 6)}l5 6l-5 6l-5 -6z"><title>${esc(m.text)}</title></path>`);
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

/**
 * The client's exceptions, tracebacks and unexpected exits as noUncaughtErrors found them: its
 * evidence items that carry a time. The report shows what the check said; it does not read the
 * log again (a run without that check draws none).
 */
function uncaughtErrors(r: RunResult): { t: number; text: string }[] {
  const check = (r.checks ?? []).find((c) => c.name === "noUncaughtErrors");
  return (check?.evidence ?? []).filter((e) => typeof e.t === "number" && Number.isFinite(e.t)).map((e) => ({ t: e.t as number, text: e.text }));
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
