import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { readTimeline, type TimelineEvent } from "../timeline/event.ts";
import { judgeTimeline } from "../checks/verdict.ts";
import { fleetStats } from "../checks/fleet.ts";
import { withEveryRun } from "../checks/index.ts";
import type { Check } from "../checks/check.ts";
import type { CheckContext } from "../checks/context.ts";
import { declaredGap, probeVerdict, reproduceCommand, type RunResult } from "./run.ts";
import { rootCause } from "../checks/cause.ts";
import { writeRunResult } from "./results.ts";
import { InputError, oneLine } from "../lab/errors.ts";
import { isLab } from "../timeline/is.ts";
import type { LabPhases, PhaseTimes } from "../timeline/events/lab.ts";

/** What a re-check needs of a scenario (a DSL Scenario is one): its title, feature, needs and checkers. */
export interface Rechecked {
  title: string;
  feature?: RunResult["feature"];
  requires?: string[];
  checks(ctx: CheckContext): Check[];
}

/**
 * Re-judge a saved run: read its timeline and the context the run recorded, run the
 * scenario's checkers again and rewrite results.json. Checkers are pure, so the same
 * timeline gives the same verdicts, byte for byte — by the very rule the runner used
 * (judgeTimeline): a timeline with a lab error, or without its end, re-checks to `error`.
 * A last line torn by a kill is tolerated and said; any other damage is an InputError.
 */
export function recheck(runDir: string, scenarios: Map<string, { scenario: Rechecked }>): RunResult {
  const tlFile = join(runDir, "timeline.jsonl");
  if (!existsSync(tlFile)) throw new InputError(`${runDir} holds no timeline.jsonl: not a run folder`);
  let read: { events: TimelineEvent[]; tornLine?: number };
  try {
    read = readTimeline(readFileSync(tlFile, "utf8"));
  } catch (err) {
    throw new InputError(`${tlFile} is damaged: ${oneLine(err)}`);
  }
  const { events, tornLine } = read;
  const ctxEvent = events.find((e) => isLab(e, "context"));
  if (!ctxEvent || typeof ctxEvent.ctx !== "object" || ctxEvent.ctx === null)
    throw new InputError(`${tlFile} has no recorded context (the run stopped before its device started)`);
  const ctx = ctxEvent.ctx as CheckContext;
  const entry = scenarios.get(ctx.scenario);
  if (!entry) throw new InputError(`${runDir}: scenario "${ctx.scenario}" no longer exists`);
  const resultsFile = join(runDir, "results.json");
  const previous = readPrevious(resultsFile);
  let j: ReturnType<typeof judgeTimeline>;
  try {
    j = judgeTimeline(events, withEveryRun(entry.scenario.checks(ctx), events), ctx, tornLine !== undefined ? { tornLine } : {});
  } catch (err) {
    // Only the scenario's own check list can throw here (each checker's throw is `unknown`):
    // a context that is not what the scenario expects is a damaged file, not a verdict.
    throw new InputError(`${tlFile}: its recorded context does not fit scenario "${ctx.scenario}": ${oneLine(err)}`);
  }
  const start = events.find((e) => isLab(e, "run.start"));
  const kept = identityOf(previous);
  // A compliance probe of a declared gap stays `unsupported`; what it found is re-judged.
  const declared = entry.scenario.feature ? (typeof previous?.declared === "string" ? previous.declared : declaredGap(entry.scenario, ctx.manifest)) : undefined;
  const seed = kept.seed ?? Number(start?.seed ?? 0);
  const device = kept.device ?? "unknown";
  // Field for field as the runner makes it (results.ts writes both in one order), so an
  // unchanged run re-checks byte for byte.
  const result: RunResult = {
    id: kept.id ?? String(start?.run ?? ctx.scenario),
    scenario: ctx.scenario,
    title: entry.scenario.title,
    client: ctx.manifest.name,
    clientRevision: kept.clientRevision ?? String(start?.revision ?? ""),
    device,
    protocol: ctx.protocol,
    broker: ctx.broker.kind,
    brokerDurable: ctx.broker.durable,
    seed,
    // Kept as the run wrote it (it knows how the client folder was named); rebuilt from the
    // timeline when results.json is lost: the folder, if any, as a placeholder.
    reproduce: kept.reproduce ?? reproduceCommand({ scenario: ctx.scenario, client: ctx.manifest.name, ...(typeof start?.reproducePath === "string" ? { clientPath: start.reproducePath } : {}), device, protocol: ctx.protocol, broker: ctx.broker.kind, seed }),
    startedAt: kept.startedAt ?? "",
    dir: resolve(runDir),
    ...(entry.scenario.feature ? { feature: entry.scenario.feature } : {}),
    verdict: probeVerdict(j.verdict, declared),
    ...(j.labBreak ? { reason: j.labBreak.reason, labBreak: j.labBreak } : declared ? { reason: declared } : {}),
    ...(declared ? { declared, probe: j.verdict } : {}),
    durationMs: kept.durationMs ?? 0,
    ...(phasesOf(events) ? { phases: phasesOf(events)! } : {}),
    checks: j.checks,
  };
  const fleet = fleetStats(events, ctx.bounds.reconnectAfterHealMs);
  if (fleet) result.fleet = fleet;
  const cause = rootCause(result, events);
  if (cause) result.cause = cause;
  writeRunResult(runDir, result);
  return result;
}

/**
 * What a re-check keeps of the earlier results: who ran and when, each field only when it has
 * its type (a hand-edited or damaged results.json must not crash the summary).
 */
function identityOf(p: RunResult | undefined): Partial<RunResult> {
  if (!p) return {};
  const out: Partial<RunResult> = {};
  for (const k of ["id", "device", "startedAt", "clientRevision", "reproduce"] as const) if (typeof p[k] === "string") out[k] = p[k];
  for (const k of ["durationMs", "seed"] as const) if (typeof p[k] === "number" && Number.isFinite(p[k])) out[k] = p[k];
  return out;
}

/** Where the run's time went, as its timeline's last `lab phases` recorded it. */
function phasesOf(events: readonly TimelineEvent[]): PhaseTimes | undefined {
  const e = events.findLast((x) => isLab(x, "phases"));
  if (!e) return undefined;
  const { t: _t, src: _s, kind: _k, ...times } = e as LabPhases;
  return times;
}

/** The run's earlier results (for its timing and identity), if they are readable. */
function readPrevious(file: string): RunResult | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const r = (JSON.parse(readFileSync(file, "utf8")) as { runs?: unknown[] }).runs?.[0];
    return typeof r === "object" && r !== null && !Array.isArray(r) ? (r as RunResult) : undefined;
  } catch {
    return undefined;
  }
}
