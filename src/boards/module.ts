import type { BoardProfile, StatusStep } from "./profile.ts";
import { statusCode } from "./profile.ts";

/**
 * The board as the unix device's shims read it: `faraday_board.py`, written into the device's
 * sandbox (lib/) when a run has --board. Plain literals only — a few hundred bytes of heap on
 * the device: K (the network.STAT_* constants), X (every code by name), UP (the codes in which
 * isconnected() is True), ALONE (the driver reconnects by itself), S (each sequence as
 * ((code, ms), …), the last step's ms 0 = holds) and PLATFORM (sys.platform to show; None:
 * the runtime's own), INIT (WiFi-stack knobs in effect from boot, as the `wlan` op sets them).
 */
export function boardModule(p: BoardProfile, init?: Record<string, unknown>): string {
  const code = (s: string): number => statusCode(p, s)!;
  const seq = (steps: StatusStep[]) => `(${steps.map((s, i) => `(${code(s.status)}, ${i === steps.length - 1 ? 0 : (s.ms ?? 0)})`).join(", ")},)`;
  const dict = (o: Record<string, number>) => `{${Object.entries(o).map(([k, v]) => `"${k}": ${v}`).join(", ")}}`;
  return [
    `# ${p.name}: ${p.title} - written by faraday from fixtures/boards/${p.name}.json`,
    `PLATFORM = ${p.platform === null ? "None" : JSON.stringify(p.platform)}`,
    `K = ${dict(p.wlan.constants)}`,
    `X = ${dict({ ...p.wlan.constants, ...p.wlan.codes })}`,
    `UP = (${p.wlan.connectedWhen.map(code).join(", ")},)`,
    `ALONE = ${p.wlan.reconnectsAlone ? "True" : "False"}`,
    `S = {${Object.entries(p.wlan.sequences).map(([k, v]) => `"${k}": ${seq(v)}`).join(", ")}}`,
    `INIT = ${pyLiteral(init ?? {})}`,
    "",
  ].join("\n");
}

/** A status code's name on a board (for the timeline and the report): "GOT_IP", or the number itself. */
export function statusName(p: BoardProfile, code: number): string {
  const named = Object.entries({ ...p.wlan.constants, ...p.wlan.codes }).find(([, v]) => v === code);
  return named ? named[0] : String(code);
}

/** JSON data (numbers, strings, booleans, null, lists, objects) as a Python literal. */
export function pyLiteral(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "number" || typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(pyLiteral).join(", ")}]`;
  return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${JSON.stringify(k)}: ${pyLiteral(x)}`).join(", ")}}`;
}
