import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseTimeline } from "../timeline/event.ts";
import { runChecks } from "../checks/check.ts";
import { expectationsMet } from "../checks/expectationsMet.ts";
import { mergeVerdict } from "../checks/verdict.ts";
import type { CheckContext, Scenario } from "../scenario/dsl.ts";
import { declaredGap, probeVerdict, type RunResult } from "../scenario/runner.ts";
import { InputError } from "../lab/errors.ts";

/**
 * Re-judge a saved run: read its timeline and the context the run recorded, run the
 * scenario's checkers again and rewrite results.json. Checkers are pure, so the same
 * timeline gives the same verdicts, byte for byte.
 */
export function recheck(runDir: string, scenarios: Map<string, { scenario: Scenario }>): RunResult {
  const tlFile = join(runDir, "timeline.jsonl");
  if (!existsSync(tlFile)) throw new InputError(`${runDir} holds no timeline.jsonl: not a run folder`);
  const events = parseTimeline(readFileSync(tlFile, "utf8"));
  const ctxEvent = events.find((e) => e.src === "lab" && e.kind === "context");
  if (!ctxEvent) throw new InputError(`${tlFile} has no recorded context (the run stopped before its device started)`);
  const ctx = ctxEvent.ctx as CheckContext;
  const entry = scenarios.get(ctx.scenario);
  if (!entry) throw new InputError(`${runDir}: scenario "${ctx.scenario}" no longer exists`);
  const resultsFile = join(runDir, "results.json");
  const previous = readPrevious(resultsFile);
  const labError = events.find((e) => e.src === "lab" && e.kind === "error")?.msg as string | undefined;
  // As in the runner: a run that failed before the client was asked to connect is the lab's.
  const driving = events.some((e) => e.src === "device" && e.kind === "op" && e.op === "start");
  const checks = driving && labError !== "interrupted" ? runChecks([...entry.scenario.checks(ctx), expectationsMet()], events, ctx) : [];
  const start = events.find((e) => e.src === "lab" && e.kind === "run.start");
  const result: RunResult = {
    ...(previous ?? {
      id: String(start?.run ?? ctx.scenario),
      scenario: ctx.scenario,
      title: entry.scenario.title,
      client: ctx.manifest.name,
      clientRevision: String(start?.revision ?? ""),
      device: "unknown",
      protocol: ctx.protocol,
      broker: ctx.broker.kind,
      brokerDurable: ctx.broker.durable,
      seed: Number(start?.seed ?? 0),
      startedAt: "",
      durationMs: 0,
      dir: runDir,
    }),
    verdict: mergeVerdict(checks, labError),
    checks,
  };
  if (labError) result.reason = labError;
  // A compliance probe of a declared gap stays `unsupported`; what it found is re-judged.
  const declared = entry.scenario.feature ? (previous?.declared ?? declaredGap(entry.scenario, ctx.manifest)) : undefined;
  if (entry.scenario.feature) result.feature = entry.scenario.feature;
  if (declared) {
    result.declared = declared;
    result.probe = result.verdict;
    result.verdict = probeVerdict(result.verdict, declared);
    if (!labError) result.reason = declared;
  }
  writeFileSync(resultsFile, JSON.stringify({ runs: [result] }, null, 2) + "\n");
  return result;
}

/** The run's earlier results (for its timing and identity), if they are readable. */
function readPrevious(file: string): RunResult | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as { runs?: RunResult[] }).runs?.[0];
  } catch {
    return undefined;
  }
}
