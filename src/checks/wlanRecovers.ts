import { at, type TimelineEvent } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker } from "./check.ts";
import { isDevice, isLab } from "../timeline/is.ts";

export const wlanRecoversChecker = defineChecker({
  name: "wlanRecovers",
  group: "resilience",
  guarantee: "after the AP comes back (and at boot), the client brings the station back to an address whatever status() shows on the way: it keeps trying and never gives up",
  bound: "the reconnect-after-heal bound (2 × reconnect cycle + 2 s) from the AP's return; from boot, the first-connection bound",
  factory: wlanRecovers,
});

/** One stretch the client must bring the WLAN back in: from an AP return or a boot. */
interface Stretch {
  from: number;
  why: "AP back" | "boot";
  /** The status() values and driver calls seen in it, in order. */
  seen: { t: number; status: number; why: string }[];
  /** When status() first said connected (the board's GOT_IP). */
  upAt?: number;
  /** The stretch ended (the AP went again, the device stopped) before the station was back. */
  cutAt?: number;
}

/**
 * Client promise (the mqtt_as README's "Subsequent reconnections after outages are handled
 * automatically", and any battery device's): whatever the board's WLAN driver shows while it
 * comes back — ESP32's IDLE in the middle of a connect (#129), its 202 after an outage (#154), a
 * Pico W's failed first attempts on weak WiFi (#134) — the client gets the station back to an
 * address (status() = the board's GOT_IP) within `boundMs` of the AP's return, or of the
 * device's boot. Judged on the network shim's `wlan` events (--board on the unix device); the
 * evidence is the client's own: the status() values it was shown and the connect() calls it
 * made, in order, and where it stopped.
 */
export function wlanRecovers(boundMs?: number): Check {
  return {
    name: wlanRecoversChecker.name,
    guarantee: wlanRecoversChecker.guarantee,
    judge(events, ctx) {
      const wlan = events.filter((e) => isDevice(e, "wlan"));
      if (wlan.length === 0) return { verdict: "unknown", summary: "no emulated WLAN on the timeline (the unix device with --board or a scenario's board has one)", evidence: [] };
      const board = events.find((e) => isLab(e, "board"));
      const statuses = (board?.statuses ?? {}) as Record<string, number>;
      const name = (code: number) => Object.entries(statuses).find(([, v]) => v === code)?.[0] ?? String(code);
      const gotIp = statuses.GOT_IP ?? 5;
      const endAt = events.find((e) => isLab(e, "device.stopping"))?.t ?? events.at(-1)!.t;
      const stretches = stretchesOf(events, gotIp, endAt);
      const evidence: Evidence[] = [];
      let failed = false;
      for (const s of stretches) {
        const bound = boundMs ?? (s.why === "boot" ? ctx.bounds.connectMs : ctx.bounds.reconnectAfterHealMs);
        const calls = s.seen.filter((x) => x.why.startsWith("connect()")).length;
        const path = pathOf(s.seen, name);
        if (s.upAt !== undefined && s.upAt - s.from <= bound) {
          evidence.push({ t: s.upAt, text: `${s.why} at ${at(s.from)}: station back (${name(gotIp)}) after ${Math.round(s.upAt - s.from)} ms ≤ ${bound} ms; status() went ${path}` });
          continue;
        }
        if (s.upAt === undefined && s.cutAt !== undefined && s.cutAt - s.from <= bound) continue; // the AP went again first
        failed = true;
        const last = s.seen.filter((x) => x.why.startsWith("connect()")).at(-1);
        const late = s.upAt !== undefined ? `only after ${Math.round(s.upAt - s.from)} ms (> ${bound} ms)` : `not within ${bound} ms (nor by ${at(s.cutAt ?? endAt)})`;
        const gaveUp = last === undefined ? "it never called connect()" : endAt - last.t > bound ? `its last connect() was at ${at(last.t)}: it gave up` : `its last connect() was at ${at(last.t)}: it kept trying and failing`;
        evidence.push({
          t: s.from,
          charged: "client",
          text: `${s.why} at ${at(s.from)}: the station was back ${late}; the client called connect() ${calls} time(s) and was shown status() ${path}; ${gaveUp}`,
        });
      }
      if (stretches.length === 0) return { verdict: "unknown", summary: "no AP return or boot on the timeline to judge", evidence: [] };
      if (failed) {
        const first = evidence.find((e) => e.charged === "client")!;
        // The failures first, and only they timed: the root cause quotes the earliest timed
        // evidence of a failing check, and a return the client managed is context, not cause.
        const context = evidence.filter((e) => !e.charged).map(({ t: _t, ...rest }) => rest);
        return { verdict: "fail", summary: `the client did not bring the WLAN back: ${first.text}`, evidence: [...evidence.filter((e) => e.charged), ...context] };
      }
      return { verdict: "pass", summary: `the station came back after each of ${evidence.length} AP return(s) or boot(s)`, evidence };
    },
  };
}

/** The stretches to judge: each boot (the first `wlan` event after a hello) and each AP return. */
export function stretchesOf(events: readonly TimelineEvent[], gotIp: number, endAt: number): Stretch[] {
  const out: Stretch[] = [];
  let open: Stretch | undefined;
  let booted = false;
  const close = (t: number) => {
    if (open && open.upAt === undefined) open.cutAt = t;
    open = undefined;
  };
  for (const e of events) {
    if (e.t > endAt) break;
    if (isDevice(e, "hello")) {
      close(e.t);
      booted = true;
      continue;
    }
    if (!isDevice(e, "wlan")) continue;
    const status = Number(e.status);
    const why = String(e.why);
    if (why === "AP gone") {
      close(e.t);
      continue;
    }
    if (booted || why.startsWith("AP back")) {
      close(e.t);
      open = { from: e.t, why: booted ? "boot" : "AP back", seen: [] };
      out.push(open);
      booted = false;
    }
    if (!open) continue;
    open.seen.push({ t: e.t, status, why });
    if (status === gotIp && open.upAt === undefined) {
      open.upAt = e.t;
      open = undefined;
    }
  }
  return out;
}

/** "1001 CONNECTING (connect()) → 1000 IDLE → … ×3": the values in order, repeats folded. */
function pathOf(seen: Stretch["seen"], name: (c: number) => string): string {
  const parts: string[] = [];
  let prev = "";
  let n = 0;
  for (const s of seen) {
    const p = `${s.status} ${name(s.status)}${s.why.startsWith("connect()") ? " after connect()" : ""}`;
    if (p === prev) n++;
    else {
      if (prev) parts.push(n > 1 ? `${prev} ×${n}` : prev);
      prev = p;
      n = 1;
    }
  }
  if (prev) parts.push(n > 1 ? `${prev} ×${n}` : prev);
  const shown = parts.length > 12 ? [...parts.slice(0, 6), `… (${parts.length - 9} more)`, ...parts.slice(-3)] : parts;
  return shown.join(" → ") || "nothing";
}
