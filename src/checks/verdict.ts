import type { CheckResult } from "./check.ts";

export type RunVerdict = "pass" | "fail" | "unknown" | "error" | "unsupported" | "skip";

/**
 * A run fails if any check fails; else it is `error` if the lab broke; else `unknown` if a
 * check could not decide; else `pass`. A lab error is never a client failure, and a run
 * whose checks could not all decide is never a pass.
 */
export function mergeVerdict(checks: CheckResult[], labError: string | undefined): RunVerdict {
  if (checks.some((c) => c.verdict === "fail")) return "fail";
  if (labError !== undefined) return "error";
  if (checks.length === 0 || checks.some((c) => c.verdict === "unknown")) return "unknown";
  return "pass";
}

/** Exit code for CI: 0 all passed (or unsupported/skip with a reason), 1 a client failed, 2 the lab could not do its job. */
export function exitCode(verdicts: RunVerdict[]): 0 | 1 | 2 {
  if (verdicts.some((v) => v === "fail")) return 1;
  if (verdicts.some((v) => v === "error" || v === "unknown")) return 2;
  return 0;
}
