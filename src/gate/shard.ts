import { InputError } from "../lab/errors.ts";
import { clip } from "../report/safeText.ts";
import { cellKey, type RunResult } from "../report/run.ts";
import { byCode } from "./cells.ts";

/**
 * `--shard i/n`: split a selection of runs into n shards for a CI matrix, deterministically —
 * the same ids give the same shards on every machine, whatever order they come in, and every
 * id lands in exactly one shard.
 *
 * Greedy longest-first: ids sorted by duration (longest first; equal durations by id, in
 * code-unit order), each into the shard with the least total so far (ties: the lowest shard).
 * With `durations` (ms by run id, e.g. from a previous results.json: durationsOf) the shards
 * take about equal time; an id without a duration counts as the mean of the known ones. With
 * none, every id weighs the same, which deals the ids sorted round-robin: shard sizes differ by
 * at most one.
 */

/** `"2/4"` → { index: 2, count: 4 } (1-based, as typed); anything else is one line (InputError). */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count)
    throw new InputError(`--shard wants i/n with 1 ≤ i ≤ n (e.g. --shard 2/4), not "${clip(text, 40)}"`);
  return { index, count };
}

/** Every shard's ids (shard k at [k − 1]), each in the order the ids were given. */
export function shards(ids: readonly string[], count: number, durations?: ReadonlyMap<string, number>): string[][] {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`shard count must be a whole number ≥ 1, not ${count}`);
  const unique = [...new Set(ids)];
  const known = durations ? unique.map((id) => durations.get(id)).filter((d): d is number => typeof d === "number" && Number.isFinite(d) && d > 0) : [];
  const fallback = known.length ? known.reduce((s, d) => s + d, 0) / known.length : 1;
  const weight = (id: string) => {
    const d = durations?.get(id);
    return typeof d === "number" && Number.isFinite(d) && d > 0 ? d : fallback;
  };
  const order = unique.map((id) => ({ id, w: weight(id) })).sort((a, b) => b.w - a.w || byCode(a.id, b.id));
  const load = new Array<number>(count).fill(0);
  const home = new Map<string, number>();
  for (const { id, w } of order) {
    let best = 0;
    for (let k = 1; k < count; k++) if (load[k]! < load[best]!) best = k;
    load[best]! += w;
    home.set(id, best);
  }
  const out = Array.from({ length: count }, () => [] as string[]);
  for (const id of unique) out[home.get(id)!]!.push(id);
  return out;
}

/** The ids of shard `index` of `count` (1-based), in the order given (see the module's docstring). */
export function shard(ids: readonly string[], index: number, count: number, durations?: ReadonlyMap<string, number>): string[] {
  if (!Number.isSafeInteger(index) || index < 1 || index > count) throw new RangeError(`shard index must be 1…${count}, not ${index}`);
  return shards(ids, count, durations)[index - 1]!;
}

/**
 * Cell (the run id of a run that is not a repeat: report/run.ts cellKey) → mean duration (ms) of
 * its runs that ran (durationMs > 0), for balancing shards by a previous run. Repeats of a cell
 * (`--repeat`: ids `<cell>.r2`…) count towards their cell, which is what `--shard` deals out.
 */
export function durationsOf(runs: readonly RunResult[]): Map<string, number> {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const r of runs) {
    if (!(typeof r.durationMs === "number" && r.durationMs > 0)) continue;
    const key = cellKey(r);
    const s = sums.get(key) ?? { sum: 0, n: 0 };
    s.sum += r.durationMs;
    s.n++;
    sums.set(key, s);
  }
  return new Map([...sums].map(([id, s]) => [id, s.sum / s.n]));
}
