import { createWriteStream, type WriteStream } from "node:fs";
import { performance } from "node:perf_hooks";
import type { Source, TimelineEvent } from "./event.ts";

export type Clock = () => number;

/** Host monotonic clock in ms since `origin` (performance.now() never jumps with NTP). */
export function monotonicClock(origin = performance.now()): Clock {
  return () => Math.round((performance.now() - origin) * 10) / 10;
}

/** Where `seenOrNext` looks: from mark `since` (`mark()`, `markAt(t)`), then for `within` ms more. */
export interface SeenOrNext {
  since?: number | undefined;
  /** ms to wait for one yet to come. */
  within: number;
  signal?: AbortSignal | undefined;
}

/**
 * A wait's deadline that first lets the process read what already arrived. After the lab's own
 * process stalled (seen: 11 s without a single event, on a loaded machine, while the broker and
 * the device went on), Node runs the expired timers before it reads the pipes: the deadline
 * would fail an answer that is sitting in the device's stdout. setImmediate runs after that
 * read (the poll phase), so the answer is recorded first and decides.
 */
export function timeoutAfterIo(fn: () => void, ms: number): NodeJS.Timeout {
  return setTimeout(() => setImmediate(fn), ms);
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
  last<E extends TimelineEvent>(match: (e: TimelineEvent) => e is E): E | undefined;
  last(match: (e: TimelineEvent) => boolean): TimelineEvent | undefined;
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
  next<E extends TimelineEvent>(match: (e: TimelineEvent) => e is E, withinMs: number, signal?: AbortSignal): Promise<E | undefined>;
  next(match: (e: TimelineEvent) => boolean, withinMs: number, signal?: AbortSignal): Promise<TimelineEvent | undefined>;
  next(match: (e: TimelineEvent) => boolean, withinMs: number, signal?: AbortSignal): Promise<TimelineEvent | undefined> {
    return new Promise((resolve) => {
      const done = (e: TimelineEvent | undefined) => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        signal?.removeEventListener("abort", onAbort);
        resolve(e);
      };
      const waiter: Waiter = { match, resolve: done };
      const timer = timeoutAfterIo(() => done(undefined), withinMs);
      const onAbort = () => done(undefined);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }

  /** Where the next event will go: a place in the history to look from (`seenOrNext`'s `since`). */
  mark(): number {
    return this.events.length;
  }

  /** The mark of the first event at or after `t` ms (the history is in time order). */
  markAt(t: number): number {
    const i = this.events.findIndex((e) => e.t >= t);
    return i < 0 ? this.events.length : i;
  }

  /**
   * "Already seen, or yet to come": the first event matching from mark `since` on (default:
   * the run's start) that is already in the history, else the first to come within
   * `within` ms, else undefined (also when `signal` aborts). The one wait every "has it
   * happened yet?" uses.
   */
  seenOrNext<E extends TimelineEvent>(match: (e: TimelineEvent) => e is E, o: SeenOrNext): Promise<E | undefined>;
  seenOrNext(match: (e: TimelineEvent) => boolean, o: SeenOrNext): Promise<TimelineEvent | undefined>;
  seenOrNext(match: (e: TimelineEvent) => boolean, o: SeenOrNext): Promise<TimelineEvent | undefined> {
    for (let i = Math.max(0, o.since ?? 0); i < this.events.length; i++) if (match(this.events[i]!)) return Promise.resolve(this.events[i]);
    return this.next(match, o.within, o.signal);
  }

  async close(): Promise<void> {
    const f = this.file;
    this.file = undefined;
    if (f) await new Promise<void>((r) => f.end(r));
  }
}
