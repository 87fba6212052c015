import type { Protocol } from "../mqtt/protocol.ts";
import type { ClientManifest } from "../mqtt/client.ts";
import type { CheckResult } from "../checks/check.ts";
import type { LabBreak, RunVerdict } from "../checks/verdict.ts";

/**
 * One run as results.json holds it: what ran where, the verdict and the checks behind it. The
 * runner makes it, a re-check makes it again from the saved timeline, the reports read it.
 */
export interface RunResult {
  id: string;
  scenario: string;
  title: string;
  client: string;
  clientRevision: string;
  device: string;
  protocol: Protocol;
  broker: string;
  brokerDurable: boolean;
  seed: number;
  verdict: RunVerdict;
  reason?: string;
  /**
   * The lab broke during the run (or its timeline is cut): the verdict is `error` and the
   * checks below were run and are shown, but not judged — they may blame or clear the client
   * for what the lab did.
   */
  labBreak?: LabBreak;
  /** Compliance scenarios: the feature this run proves, for the matrix. */
  feature?: { id: string; spec: string; claim: string };
  /**
   * A compliance run of a feature the client declares unsupported still runs, as a probe:
   * the verdict stays `unsupported`, `declared` quotes the manifest and `probe` says what the
   * lab found (a declared gap that works is a difference the report lists).
   */
  declared?: string;
  probe?: RunVerdict;
  startedAt: string;
  durationMs: number;
  checks: CheckResult[];
  dir: string;
}

/** The first feature the scenario needs that the client's manifest declares unsupported, quoted. */
export function declaredGap(s: { requires?: string[] }, m: ClientManifest): string | undefined {
  const f = (s.requires ?? []).find((x) => m.unsupported[x]);
  return f ? `${m.name} declares "${f}" unsupported: ${m.unsupported[f]}` : undefined;
}

/** A probe of a declared gap is `unsupported` whatever it found — unless the lab broke. */
export function probeVerdict(found: RunVerdict, declared: string | undefined): RunVerdict {
  return declared && found !== "error" ? "unsupported" : found;
}
