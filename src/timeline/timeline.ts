import { createWriteStream, type WriteStream } from "node:fs";
import { performance } from "node:perf_hooks";
import type { Source, TimelineEvent } from "./event.ts";

export type Clock = () => number;

/** Host monotonic clock in ms since `origin` (performance.now() never jumps with NTP). */
export function monotonicClock(origin = performance.now()): Clock {
  return () => Math.round((performance.now() - origin) * 10) / 10;
}

type Waiter = { match: (e: TimelineEvent) => boolean; resolve: (e: TimelineEvent) => void };

/**
 * The run's single history. Everything that happens is recorded here, in order, and
 * the scenario waits on events in it rather than sleeping.
 */
export class Timeline {
  readonly events: TimelineEvent[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly listeners = new Set<(e: TimelineEvent) => void>();
  private file: WriteStream | undefined;

  constructor(readonly now: Clock = monotonicClock()) {}

  /** Also append every event to a jsonl file, line by line, so a killed run keeps its history. */
  writeTo(path: string): void {
    this.file = createWriteStream(path, { flags: "a" });
    for (const e of this.events) this.file.write(JSON.stringify(e) + "\n");
  }

  record(src: Source, kind: string, data: Record<string, unknown> = {}): TimelineEvent {
    const e: TimelineEvent = { t: this.now(), src, kind, ...data };
    this.events.push(e);
    this.file?.write(JSON.stringify(e) + "\n");
    for (const l of this.listeners) l(e);
    for (const w of [...this.waiters]) {
      if (w.match(e)) {
        this.waiters.delete(w);
        w.resolve(e);
      }
    }
    return e;
  }

  onEvent(listener: (e: TimelineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Latest event matching, or undefined. */
  last(match: (e: TimelineEvent) => boolean): TimelineEvent | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i]!;
      if (match(e)) return e;
    }
    return undefined;
  }

  /**
   * Resolves with the first event from now on that matches, or with undefined after
   * `withinMs`. Callers decide what a timeout means (a client that never reconnected is
   * evidence, not a crash of the lab).
   */
  next(match: (e: TimelineEvent) => boolean, withinMs: number, signal?: AbortSignal): Promise<TimelineEvent | undefined> {
    return new Promise((resolve) => {
      const done = (e: TimelineEvent | undefined) => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        signal?.removeEventListener("abort", onAbort);
        resolve(e);
      };
      const waiter: Waiter = { match, resolve: done };
      const timer = setTimeout(() => done(undefined), withinMs);
      const onAbort = () => done(undefined);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }

  async close(): Promise<void> {
    const f = this.file;
    this.file = undefined;
    if (f) await new Promise<void>((r) => f.end(r));
  }
}
