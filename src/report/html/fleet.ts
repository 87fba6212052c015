import { fleetNames, type FleetStats } from "../../checks/fleet.ts";
import type { TimelineEvent } from "../../timeline/event.ts";
import type { RunResult } from "../run.ts";
import { esc, secs } from "./text.ts";

/**
 * A fleet run's figures in report.html: the reconnect-time distribution (p50/p90/max and a
 * histogram, inline SVG), how many devices came back within the same 100 ms, the broker's
 * busiest second, and memory and CPU per device process. Made from results.json's `fleet`
 * (checks/fleet.ts fleetStats), so a re-checked run shows the same.
 */

const W = 560;
const H = 150;
const PAD = { l: 36, r: 8, t: 10, b: 30 };

const ms = (v: number | undefined) => (v === undefined ? "—" : v >= 10_000 ? secs(v) : `${Math.round(v)} ms`);
const kb = (v: number) => (v >= 10_240 ? `${(v / 1024).toFixed(1)} MB` : `${Math.round(v)} kB`);

/** The histogram of reconnect times as an SVG: one bar per bin, its count on hover. */
export function reconnectHistogram(h: FleetStats["reconnect"]["histogram"], label: string): string {
  const n = Math.max(1, h.counts.length);
  const top = Math.max(1, ...h.counts);
  const pw = W - PAD.l - PAD.r;
  const ph = H - PAD.t - PAD.b;
  const bw = pw / n;
  const out: string[] = [];
  // Axes: counts on the left (0 and the top), ms under the bars (about six labels).
  out.push(`<line class="grid" x1="${PAD.l}" x2="${W - PAD.r}" y1="${PAD.t + ph}" y2="${PAD.t + ph}"/>`);
  out.push(`<text class="ax" x="${PAD.l - 4}" y="${PAD.t + 8}" text-anchor="end">${top}</text><text class="ax" x="${PAD.l - 4}" y="${PAD.t + ph}" text-anchor="end">0</text>`);
  const every = Math.max(1, Math.ceil(n / 6));
  for (let i = 0; i <= n; i += every) out.push(`<text class="ax" x="${(PAD.l + i * bw).toFixed(1)}" y="${H - PAD.b + 14}" text-anchor="middle">${esc(ms(i * h.binMs))}</text>`);
  out.push(`<text class="ax" x="${PAD.l + pw / 2}" y="${H - 2}" text-anchor="middle">ms from the heal to the device's up (bins of ${h.binMs} ms)</text>`);
  for (const [i, c] of h.counts.entries()) {
    if (c === 0) continue;
    const bh = (c / top) * ph;
    out.push(
      `<rect class="cup" x="${(PAD.l + i * bw + 0.5).toFixed(1)}" y="${(PAD.t + ph - bh).toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${bh.toFixed(1)}"><title>${c} device(s) back ${i * h.binMs}–${(i + 1) * h.binMs} ms after the heal</title></rect>`,
    );
  }
  return `<svg class="tl" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(label)}">${out.join("")}</svg>`;
}

/** A fleet run's strip shows its own device (the first): a hundred devices' ups and downs in one lane say nothing. */
export function firstDeviceOnly(events: TimelineEvent[]): TimelineEvent[] {
  const first = fleetNames(events)?.[0];
  return first === undefined ? events : events.filter((e) => e.src !== "device" || e.device === first);
}

export function fleetHtml(r: RunResult): string {
  const f = r.fleet;
  if (!f) return "";
  const rc = f.reconnect;
  const mem = f.memory.at(-1);
  const rows: [string, string][] = [
    ["devices", `${f.size}${f.helloMs !== undefined ? `, every agent up ${ms(f.helloMs)} after power-on` : ""}`],
    ["reconnects", `${rc.back} of ${rc.lost} back before the next fault${rc.back ? `: p50 ${ms(rc.p50Ms)}, p90 ${ms(rc.p90Ms)}, max ${ms(rc.maxMs)} after the heal` : ""}`],
    ["in lockstep", rc.sync.most ? `${rc.sync.most} of ${f.size} devices up within the same ${rc.sync.windowMs} ms${rc.sync.at !== undefined ? ` (from ${secs(rc.sync.at)})` : ""}` : "—"],
    ...(f.peakConnectRate ? ([["peak connect rate", `${f.peakConnectRate.perSecond} per second at ${secs(f.peakConnectRate.at)} (${f.peakConnectRate.source === "broker" ? "CONNACKs in the broker's log" : "the clients' ups"})`]] as [string, string][]) : []),
    ...(f.peakReconnectRate ? ([["peak reconnect rate", `${f.peakReconnectRate.perSecond} per second at ${secs(f.peakReconnectRate.at)}, after the first fault`]] as [string, string][]) : []),
    ...(mem ? ([["memory per device", `${kb(mem.medianKb)} median, ${kb(mem.maxKb)} largest RSS (${mem.label}); ${kb(mem.totalKb)} for the whole fleet`]] as [string, string][]) : []),
    ...(f.hostLag ? ([["host lag", `the host read the devices' lines ${ms(f.hostLag.p50Ms)} late (median), ${ms(f.hostLag.p99Ms)} (p99), ${ms(f.hostLag.maxMs)} at worst; reconnect times above are on each device's own clock`]] as [string, string][]) : []),
    ...(f.cpu ? ([["CPU per device", `${ms(f.cpu.bootMedianMs)} to boot and connect (median)${f.cpu.laterMedianMs !== undefined ? `; ${ms(f.cpu.laterMedianMs)} over the next ${secs(f.cpu.laterSpanMs ?? 0)}` : ""}`]] as [string, string][]) : []),
  ];
  const hist = rc.back ? `<figure class="strip">${reconnectHistogram(rc.histogram, `reconnect times of ${r.id}`)}<figcaption>Reconnect times of the fleet, each on the device's own clock</figcaption></figure>` : "";
  return `<h4>Fleet <span class="count">the strip above shows device 0, the run's own; these figures, every device</span></h4><dl class="facts fleet">${rows.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join("")}</dl>
${hist}`;
}
