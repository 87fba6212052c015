import { at, type TimelineEvent } from "../timeline/event.ts";
import type { CheckResult, Evidence } from "./check.ts";
import type { LabBreak, RunVerdict } from "./verdict.ts";
import { clientErrors, tracebackLines } from "./noUncaughtErrors.ts";

/**
 * What went wrong first in a run, in one line — shown before any check's evidence, so that
 * when one bug makes five checks fail the reader starts from the bug, not from a list of
 * sequence numbers.
 */
export interface Cause {
  /** The line itself: what went wrong first, then which failing checks follow from it. */
  line: string;
  /** Whose line it is: the client's own error, a failing check's evidence, the lab's break, a check that could not decide. */
  source: "client" | "check" | "lab" | "undecided";
  /** When it happened, in ms on the run's clock (absent when the evidence has no time). */
  t?: number;
  /** The check whose evidence it is (for the client's own error: noUncaughtErrors, when the scenario has it). */
  check?: string;
  /** The other failing checks, in the scenario's order: those whose first failing evidence comes at or after it, within the simultaneous window, or has no time. */
  follows: string[];
  /** Failing checks whose evidence comes earlier: only when the client's own error line was preferred over them. */
  before?: string[];
}

/**
 * Failing evidence this close to the earliest (ms) counts as simultaneous: a message the
 * observer saw acknowledged 18 ms before the heal the client never recovered from is a
 * consequence, not the cause (measured on the stubborn fixture client).
 */
const SIMULTANEOUS_MS = 1000;

/** The longest cause line (a client's megabyte error stays a line). */
const LINE_MAX = 400;

/** One line: line breaks become " | ", runs of blanks one space, at most LINE_MAX characters. */
function oneLine(s: string): string {
  const flat = s.replace(/\s*[\r\n]+\s*/g, " | ").replace(/[ \t]+/g, " ").trim();
  return flat.length > LINE_MAX ? `${flat.slice(0, LINE_MAX - 1)}…` : flat;
}

/** The earliest timed evidence of a failing check, or undefined when none has a time. */
function firstTimed(c: CheckResult): Evidence | undefined {
  let best: Evidence | undefined;
  for (const e of c.evidence) if (typeof e.t === "number" && Number.isFinite(e.t) && (best === undefined || e.t < best.t!)) best = e;
  return best;
}

/** The client's own words for one of its error lines (see clientErrors). */
function clientLine(events: readonly TimelineEvent[], e: TimelineEvent): string {
  if (e.kind === "error") return `the client raised at ${at(e.t)}: ${String(e.msg)}`;
  if (e.kind === "log") {
    // A traceback's point is its last line (the exception); the innermost frame says where.
    const lines = tracebackLines(events, e, 40).slice(1);
    const frames = lines.filter((l) => /^\s+File /.test(l));
    const exception = lines.find((l) => l.trim() !== "" && !/^\s/.test(l));
    const where = frames.at(-1)?.trim();
    return `the client printed a traceback at ${at(e.t)}: ${exception ?? lines[0] ?? "(no exception line)"}${where ? ` (${where})` : ""}`;
  }
  return `the device process exited by itself at ${at(e.t)} (code ${String(e.code)}, signal ${String(e.signal)})`;
}

/**
 * The root cause of a run: one line saying what went wrong first.
 *
 * - `pass`, `unsupported`, `skip`: none.
 * - `error`: the lab's break (when and why) — the checks are not judged, so none follows.
 * - `unknown`: the first check (in the scenario's order) that could not decide, and why.
 * - `fail`: the client's own first error line, when it has one — an `error` event, a printed
 *   traceback or the device process exiting by itself, before the lab stops the device (the
 *   window noUncaughtErrors judges; from the timeline when given, else from noUncaughtErrors'
 *   evidence); otherwise the earliest failing evidence by `t` — where several failing checks'
 *   first evidence lies within SIMULTANEOUS_MS (1 s) of the earliest, the check with the
 *   fewest facts wins (one event explains a list of losses, not the other way round), then the
 *   earlier, then the one listed first; a failing check without timed evidence counts only
 *   when no failing check has any.
 *   The other failing checks follow, in the scenario's order; those whose evidence comes
 *   before the client's error line are named apart (`before`), never hidden.
 *
 * Pure and deterministic: the runner and `faraday check` give the same cause for one timeline.
 */
export function rootCause(
  run: { verdict: RunVerdict; checks: readonly CheckResult[]; labBreak?: LabBreak; reason?: string },
  events?: readonly TimelineEvent[],
): Cause | undefined {
  if (run.verdict === "error") {
    const b = run.labBreak;
    const why = b ? `the lab broke at ${at(b.t)}: ${b.reason}` : `the lab could not do its job: ${run.reason ?? "no reason recorded"}`;
    return { line: oneLine(`${why} — not the client's doing; its checks are not judged`), source: "lab", ...(b ? { t: b.t } : {}), follows: [] };
  }
  if (run.verdict === "unknown") {
    const u = run.checks.find((c) => c.verdict === "unknown");
    if (!u) return { line: oneLine(run.checks.length ? `no check decided${run.reason ? `: ${run.reason}` : ""}` : "no check ran"), source: "undecided", follows: [] };
    const e = firstTimed(u);
    return { line: oneLine(`${u.name} could not decide: ${u.summary}`), source: "undecided", ...(e ? { t: e.t } : {}), check: u.name, follows: [] };
  }
  if (run.verdict !== "fail") return undefined;

  const failing = run.checks.filter((c) => c.verdict === "fail");
  const firstAt = new Map(failing.map((c) => [c.name, firstTimed(c)?.t]));
  const rest = (cause: string | undefined, t: number | undefined) => {
    const others = failing.filter((c) => c.name !== cause);
    const isBefore = (c: CheckResult) => t !== undefined && firstAt.get(c.name) !== undefined && firstAt.get(c.name)! < t;
    return { follows: others.filter((c) => !isBefore(c)).map((c) => c.name), before: others.filter(isBefore).map((c) => c.name) };
  };
  const render = (head: string, r: { follows: string[]; before: string[] }) =>
    oneLine(
      `${head}${r.follows.length ? ` — then ${r.follows.join(", ")} fail${r.follows.length === 1 ? "s" : ""}` : ""}${r.before.length ? ` (failing before it: ${r.before.join(", ")})` : ""}`,
    );

  // 1. The client's own error line.
  const nue = failing.find((c) => c.name === "noUncaughtErrors");
  const own = events ? clientErrors(events).errors[0] : undefined;
  if (own) {
    const r = rest(nue?.name, own.t);
    return { line: render(clientLine(events!, own), r), source: "client", t: own.t, ...(nue ? { check: nue.name } : {}), follows: r.follows, ...(r.before.length ? { before: r.before } : {}) };
  }
  if (!events && nue) {
    const e = firstTimed(nue) ?? nue.evidence[0];
    if (e) {
      const r = rest(nue.name, e.t);
      return { line: render(`the client's own error: ${e.text}`, r), source: "client", ...(e.t !== undefined ? { t: e.t } : {}), check: nue.name, follows: r.follows, ...(r.before.length ? { before: r.before } : {}) };
    }
  }

  // 2. The earliest failing evidence; of evidence at about the same time, the check with the fewest facts.
  const timed = failing.flatMap((c) => {
    const e = firstTimed(c);
    return e ? [{ c, e }] : [];
  });
  const t0 = Math.min(...timed.map((x) => x.e.t!));
  const facts = (c: CheckResult) => c.evidence.length;
  let best: { c: CheckResult; e: Evidence } | undefined;
  for (const x of timed.filter((y) => y.e.t! <= t0 + SIMULTANEOUS_MS))
    if (best === undefined || facts(x.c) < facts(best.c) || (facts(x.c) === facts(best.c) && x.e.t! < best.e.t!)) best = x;
  if (best) {
    // Nothing failed before the simultaneous window: every other failing check follows.
    const r = rest(best.c.name, t0);
    return { line: render(`${best.c.name}: ${best.e.text}`, r), source: "check", t: best.e.t!, check: best.c.name, follows: r.follows };
  }
  const c = failing[0];
  if (!c) return { line: oneLine(run.reason ?? "failed, with no failing check recorded"), source: "check", follows: [] };
  const r = rest(c.name, undefined);
  const e = c.evidence[0];
  return { line: render(`${c.name}: ${c.summary}${e ? `; ${e.text}` : ""}`, r), source: "check", check: c.name, follows: r.follows };
}
