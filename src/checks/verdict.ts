import type { TimelineEvent } from "../timeline/event.ts";
import { at } from "../timeline/event.ts";
import type { CheckContext } from "./context.ts";
import { runChecks, type Check, type CheckResult } from "./check.ts";
import { expectationsMet } from "./expectationsMet.ts";
import { isDeviceOp, isLab, isLabError } from "../timeline/is.ts";

export type RunVerdict = "pass" | "fail" | "unknown" | "error" | "unsupported" | "skip";

/**
 * Why a timeline cannot be judged: the lab broke during the run, or the timeline is not whole.
 * `t` is when, on the run's clock (the last event's time for a cut timeline).
 */
export interface LabBreak {
  t: number;
  reason: string;
}

/**
 * The first sign that a timeline does not show the client alone: a `lab error` (a broker or
 * proxy that died or would not start outside a fault, the observer cut off, a lab step that
 * timed out, an interruption), or a timeline without its `scenario.end` (the run was killed,
 * the file was cut short). A cut timeline could lack exactly the delivery that would have
 * cleared the client, so nothing in it may be held against the client — or for it.
 */
export function labBreak(events: readonly TimelineEvent[], opts: { tornLine?: number } = {}): LabBreak | undefined {
  const err = events.find(isLabError);
  if (err) return { t: err.t, reason: typeof err.msg === "string" && err.msg !== "" ? err.msg : "the lab reported an error" };
  const last = events.at(-1)?.t ?? 0;
  const torn = opts.tornLine !== undefined ? `; its line ${opts.tornLine} is torn` : "";
  if (!events.some((e) => isLab(e, "scenario.end")))
    return { t: last, reason: `timeline cut at ${at(last)}: it has no scenario.end (the run was killed or the file was cut short)${torn}` };
  if (opts.tornLine !== undefined) return { t: last, reason: `timeline damaged: its line ${opts.tornLine} is torn` };
  return undefined;
}

/**
 * Verdict precedence, Jepsen's way: a run during which the lab broke is `error`, whatever
 * the checks say — a broker that could not restart looks exactly like a client that never
 * reconnects, and a dead proxy like a client that lost messages, so no check may turn the
 * lab's failure into the client's (`fail`) or vouch for a client it could not watch (`pass`).
 * Only then: any failing check makes it `fail`; a check that could not decide, `unknown`;
 * else `pass`. A device process that dies by itself is not a lab break: that is the client's
 * doing, judged by noUncaughtErrors.
 */
export function mergeVerdict(checks: CheckResult[], broke: LabBreak | string | undefined): RunVerdict {
  if (broke !== undefined) return "error";
  if (checks.some((c) => c.verdict === "fail")) return "fail";
  if (checks.length === 0 || checks.some((c) => c.verdict === "unknown")) return "unknown";
  return "pass";
}

export interface Judgement {
  verdict: RunVerdict;
  /** Every check's result; when `labBreak` is set they are shown but not judged. */
  checks: CheckResult[];
  labBreak?: LabBreak;
}

/**
 * Judge a finished timeline — the one rule the runner and `faraday check` share, so a saved
 * run re-checks to the verdict it was given. A run that broke before the client was asked to
 * connect (a broker that would not start, a device that died at import) has nothing of the
 * client's to show: no checks run. Otherwise every check runs, even on a broken run, so a
 * person sees what happened; the lab's break decides the verdict.
 */
export function judgeTimeline(events: readonly TimelineEvent[], checks: Check[], ctx: CheckContext, opts: { tornLine?: number } = {}): Judgement {
  const broke = labBreak(events, opts);
  const driving = events.some((e) => isDeviceOp(e, "start"));
  const results = driving ? runChecks([...checks, expectationsMet()], events, ctx) : [];
  return { verdict: mergeVerdict(results, broke), checks: results, ...(broke ? { labBreak: broke } : {}) };
}

/** Exit code for CI: 0 all passed (or unsupported/skip with a reason), 1 a client failed, 2 the lab could not do its job. */
export function exitCode(verdicts: RunVerdict[]): 0 | 1 | 2 {
  if (verdicts.some((v) => v === "fail")) return 1;
  if (verdicts.some((v) => v === "error" || v === "unknown")) return 2;
  return 0;
}
