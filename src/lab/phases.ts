// Where a run's time goes: its phases, and within the scenario, the time spent in the
// scenario's own scripted waits and in waits on the client. What is left is the lab's.
import type { PhaseTimes } from "../timeline/events/lab.ts";

/** A run's phases, in order: each starts where the one before ends. */
export const PHASES = ["setup", "connect", "scenario", "drain", "stop", "teardown"] as const;
export type Phase = (typeof PHASES)[number];

/**
 * A run's time (PhaseTimes, in ms on the timeline's clock): setup (sandbox, broker, proxy,
 * observer, device boot) and teardown are the lab's; connect (the client's first connection),
 * drain (in-flight messages landing) and stop (the client's own shutdown) are the client's; the
 * scenario phase splits into its scripted waits, its waits on the client and the rest — the
 * lab's (faults applied and healed, publishes handed over).
 */
export type { PhaseTimes };

export type WaitKind = "scripted" | "client";

/**
 * The run's phase clock: phase boundaries, and the union of the waits in flight (waits overlap:
 * a publish stream waits while the scenario waits on the client; each moment counts once, as the
 * client's when any client wait is open).
 */
export class PhaseClock {
  private readonly starts = new Map<Phase, number>();
  private end: number | undefined;
  private readonly open: Record<WaitKind, number> = { scripted: 0, client: 0 };
  private readonly total: Record<WaitKind, number> = { scripted: 0, client: 0 };
  private since = 0;

  constructor(private readonly now: () => number) {}

  /** Phase `p` begins now; false when it had begun already (it keeps its first start). */
  enter(p: Phase): boolean {
    if (this.starts.has(p)) return false;
    this.settle(); // the waits so far count in the phase they happened in
    this.starts.set(p, this.now());
    return true;
  }

  /** The run is over (after teardown). */
  finish(): void {
    this.settle();
    this.end ??= this.now();
  }

  /** A wait begins; call what it returns when it ends (once; later calls do nothing). */
  waiting(kind: WaitKind): () => void {
    this.settle();
    this.open[kind]++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.settle();
      this.open[kind]--;
    };
  }

  /** A promise timed as a wait of `kind`. */
  timed<T>(kind: WaitKind, p: Promise<T>): Promise<T> {
    const done = this.waiting(kind);
    return p.finally(done);
  }

  private settle(): void {
    const t = this.now();
    const dt = t - this.since;
    this.since = t;
    if (!this.starts.has("scenario") || this.starts.has("drain")) return; // waits count in the scenario phase only
    if (this.open.client > 0) this.total.client += dt;
    else if (this.open.scripted > 0) this.total.scripted += dt;
  }

  summary(): PhaseTimes {
    this.settle();
    const end = this.end ?? this.now();
    const ms = (p: Phase): number => {
      const from = this.starts.get(p);
      if (from === undefined) return 0;
      const later = PHASES.slice(PHASES.indexOf(p) + 1)
        .map((q) => this.starts.get(q))
        .find((x) => x !== undefined);
      return Math.max(0, (later ?? end) - from);
    };
    const r = (x: number) => Math.round(x * 10) / 10;
    const scenarioMs = ms("scenario");
    const clientWaitMs = Math.min(this.total.client, scenarioMs);
    const scriptedWaitMs = Math.min(this.total.scripted, scenarioMs - clientWaitMs);
    return {
      setupMs: r(ms("setup")),
      connectMs: r(ms("connect")),
      scenarioMs: r(scenarioMs),
      drainMs: r(ms("drain")),
      stopMs: r(ms("stop")),
      teardownMs: r(ms("teardown")),
      scriptedWaitMs: r(scriptedWaitMs),
      clientWaitMs: r(clientWaitMs),
      labMs: r(ms("setup") + ms("teardown") + scenarioMs - clientWaitMs - scriptedWaitMs),
    };
  }
}
