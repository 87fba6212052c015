import type { Protocol } from "../mqtt/protocol.ts";
import type { ClientManifest } from "../mqtt/client.ts";
import type { CheckResult } from "../checks/check.ts";
import type { LabBreak, RunVerdict } from "../checks/verdict.ts";
import type { Cause } from "../checks/cause.ts";
import type { FleetStats } from "../checks/fleet.ts";
import type { PhaseTimes } from "../timeline/events/lab.ts";

export type { Cause } from "../checks/cause.ts";

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
  /** The board profile the device stood for (--board, fixtures/boards/<name>.json). */
  board?: string;
  protocol: Protocol;
  broker: string;
  brokerDurable: boolean;
  seed: number;
  /**
   * The command that runs this cell again, as a person would type it from the repository (see
   * reproduceCommand): never an absolute path of the machine that ran it. Always on disk (the
   * schema requires it; results.ts serializeRun makes one for a run read from an older file);
   * optional here so that hand-built runs (tests) need not spell it.
   */
  reproduce?: string;
  verdict: RunVerdict;
  reason?: string;
  /** What went wrong first, in one line (runs that fail, error or cannot decide): see checks/cause.ts. */
  cause?: Cause;
  /** Judged against a baseline: the run's class (gate/baseline.ts runClass). */
  baseline?: { class: RunGateClass };
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
  /** Where the run's time went (src/lab/phases.ts): its phases, its waits, the lab's share. */
  phases?: PhaseTimes;
  checks: CheckResult[];
  /** A fleet run (ScenarioContext.fleet): its reconnect distribution, peak connection rate, memory and CPU per device (checks/fleet.ts fleetStats). */
  fleet?: FleetStats;
  /**
   * The run's folder. In memory, as the runner and readers hold it: a path to use as it is. In
   * a results.json: relative to that file's folder ("." in the run's own results.json, the
   * folder's name in the invocation's) — see report/results.ts.
   */
  dir: string;
}

/**
 * The cell a run belongs to — `<scenario>.<client>.v<protocol>.<broker>`, the runner's run id
 * and folder name — from the run's own fields, so repeats of one cell (item 8: several runs,
 * several seeds) group together, and the key is the same on every machine (no path, no date).
 */
export function cellKey(r: Pick<RunResult, "scenario" | "client" | "protocol" | "broker">): string {
  return `${r.scenario}.${r.client}.v${r.protocol}.${r.broker}`;
}

/** A run's class against a baseline: its checks' most telling class, or new-cell, or not-judged. */
export type RunGateClass = "new-failure" | "known" | "fixed" | "new-pass" | "new-cell" | "pass" | "not-judged";

/** What identifies a cell for reproduction. */
export interface ReproduceParts {
  scenario: string;
  client: string;
  /**
   * How --client-path is written: a path relative to the repository (copyable as it is), or a
   * quoted placeholder naming a hash of the folder (`'<client-path #3f2a9c1b>'`); absent when the
   * client needs none (a PyPI client, the MQTT.js reference).
   */
  clientPath?: string;
  device: string;
  board?: string | undefined;
  protocol: Protocol;
  broker: string;
  seed: number;
  /** `--fleet-size`, when the run gave one. */
  fleetSize?: number;
  /** A guided scenario the lab ran by itself (--unattended). */
  unattended?: boolean;
}

/**
 * `faraday run <scenario> --client <c> [--client-path <p>] [--device <d>] --protocol <p>
 * --broker <b> --seed <n>`: one cell, the same seed. `--device` only when it is not the default
 * (unix), since the MQTT.js reference runs only with `--device node`.
 */
export function reproduceCommand(p: ReproduceParts): string {
  return [
    "faraday run",
    p.scenario,
    `--client ${p.client}`,
    ...(p.clientPath ? [`--client-path ${p.clientPath}`] : []),
    ...(p.device && p.device !== "unix" ? [`--device ${p.device}`] : []),
    ...(p.board ? [`--board ${p.board}`] : []),
    `--protocol ${p.protocol}`,
    `--broker ${p.broker}`,
    `--seed ${p.seed}`,
    ...(p.fleetSize !== undefined ? [`--fleet-size ${p.fleetSize}`] : []),
    ...(p.unattended ? ["--unattended"] : []),
  ].join(" ");
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
