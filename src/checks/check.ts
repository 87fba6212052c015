import type { TimelineEvent } from "../timeline/event.ts";
import type { CheckContext } from "./context.ts";

export type CheckVerdict = "pass" | "fail" | "unknown";

/** One fact behind a verdict, quoted with its time on the run's clock. */
export interface Evidence {
  /** Timeline offset in ms, when the fact has one. */
  t?: number;
  /** A sentence a person can act on. */
  text: string;
  /** Who the fact is charged to, when the check attributes a loss. */
  charged?: "client" | "broker" | "link";
  [detail: string]: unknown;
}

export interface CheckResult {
  name: string;
  verdict: CheckVerdict;
  /** One line: what was checked and the outcome. */
  summary: string;
  evidence: Evidence[];
}

/**
 * A checker: a pure function of a finished timeline and the run's context. It never talks
 * to a process, so it can be re-run on a saved run and give the same verdict.
 */
export interface Check {
  name: string;
  /** Which MQTT guarantee (spec section) or client promise this holds the client to. */
  guarantee: string;
  judge(timeline: readonly TimelineEvent[], ctx: CheckContext): Omit<CheckResult, "name">;
}

/** Run every check; one that throws is `unknown` with the error, never a pass. */
export function runChecks(checks: Check[], timeline: readonly TimelineEvent[], ctx: CheckContext): CheckResult[] {
  return checks.map((c) => {
    try {
      return { name: c.name, ...c.judge(timeline, ctx) };
    } catch (err) {
      return { name: c.name, verdict: "unknown", summary: `checker threw: ${firstLine(err)}`, evidence: [] };
    }
  });
}

/** The first line of what was thrown, at most 400 characters (as the lab's oneLine: checks/ stays below the lab). */
function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split("\n")[0]!.slice(0, 400);
}

/** Keep evidence short enough to read: the first `n` items and a count of the rest. */
export function firstN(items: Evidence[], n = 10): Evidence[] {
  if (items.length <= n) return items;
  return [...items.slice(0, n), { text: `… and ${items.length - n} more` }];
}

/**
 * What a checker file exports beside its factory, with `defineChecker`: the one place its
 * guarantee and bound are written. checks/index.ts finds every one in this folder; the checker
 * tables of docs/checkers.md (scripts/readme.ts) and the registry test read them from there.
 */
export interface CheckerDescriptor {
  /** The name its checks carry in results (the factory's default name). */
  readonly name: string;
  /** "resilience": judges a run of faults (or every run); "compliance": judges one feature. */
  readonly group: "resilience" | "compliance";
  /** The MQTT guarantee (spec section) or client promise the check holds the client to. */
  readonly guarantee: string;
  /** The bound it judges against, and where that bound comes from ("—" when none). */
  readonly bound: string;
  /**
   * Judges every run that has a wire tap, whatever the scenario lists (the client's own
   * promises: checks/index.ts withEveryRun, used by the runner and `faraday check`). Its
   * factory takes no arguments; a run with nothing to judge passes with a summary that
   * starts "not exercised: " or "not promised: ".
   */
  readonly everyRun?: boolean;
  /** Builds the check; with no arguments unless `example` is given. */
  readonly factory: (...args: never[]) => Check;
  /** For a checker that needs arguments: one built with example arguments. */
  readonly example?: () => Check;
}

const checkers = new WeakSet<object>();

/** Declare a checker (one line in its file, as Toxiproxy registers a toxic): checks/index.ts picks it up. */
export function defineChecker<D extends CheckerDescriptor>(d: D): D {
  checkers.add(d);
  return d;
}

export function isChecker(x: unknown): x is CheckerDescriptor {
  return typeof x === "object" && x !== null && checkers.has(x);
}
