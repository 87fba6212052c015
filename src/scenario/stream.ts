import { timeoutAfterIo, type Timeline } from "../timeline/timeline.ts";
import type { StreamHandle } from "./dsl.ts";
import { ExpectationFailed } from "./expectation.ts";

/** The n-th message of a numbered stream: "seq=N", or "seq=N " padded with "x" to `bytes` bytes. */
export function seqPayload(n: number, bytes?: number): string {
  if (bytes === undefined) return `seq=${n}`;
  const head = `seq=${n} `;
  return head + "x".repeat(Math.max(0, bytes - head.length));
}

/**
 * A numbered publish stream "seq=1", "seq=2", … one message at a time: the next one goes
 * out `everyMs` after the previous one was answered, as in an application's loop. A client
 * that blocks during an outage therefore holds the stream, as it would hold the application.
 */
export function publishStream(opts: {
  timeline: Timeline;
  signal: AbortSignal;
  everyMs: number;
  /** Payload size in bytes (see seqPayload). */
  bytes?: number;
  /** Grace for the publish in flight when the stream stops (ms). */
  stopGraceMs: number;
  publish: (payload: string) => Promise<boolean>;
}): StreamHandle {
  let sent = 0;
  let acked = 0;
  let stopped = false;
  const ackWaiters = new Set<() => void>();
  let wake: (() => void) | undefined;

  const loop = (async () => {
    while (!stopped && !opts.signal.aborted) {
      sent++;
      const ok = await opts.publish(seqPayload(sent, opts.bytes));
      if (ok) {
        acked++;
        for (const w of ackWaiters) w();
      }
      if (stopped || opts.signal.aborted) break;
      await new Promise<void>((r) => {
        const t = setTimeout(r, opts.everyMs);
        wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
  })();

  return {
    get sent() {
      return sent;
    },
    get ackedCount() {
      return acked;
    },
    acked(n, { within, what }) {
      const target = acked + n;
      const since = opts.timeline.now();
      return new Promise<void>((resolve, reject) => {
        // After teardown began nothing will be acknowledged any more: return at once (an
        // abort listener added now would never fire).
        if (acked >= target || opts.signal.aborted) return resolve();
        const check = () => {
          if (acked >= target) {
            cleanup();
            resolve();
          }
        };
        const timer = timeoutAfterIo(() => {
          if (acked >= target) return check();
          cleanup();
          reject(new ExpectationFailed(what ?? `${n} more publishes acknowledged`, within, since));
        }, within);
        const onAbort = () => {
          cleanup();
          resolve();
        };
        const cleanup = () => {
          clearTimeout(timer);
          ackWaiters.delete(check);
          opts.signal.removeEventListener("abort", onAbort);
        };
        ackWaiters.add(check);
        opts.signal.addEventListener("abort", onAbort, { once: true });
      });
    },
    async stop() {
      stopped = true;
      wake?.();
      await Promise.race([loop, new Promise((r) => setTimeout(r, opts.stopGraceMs))]);
    },
  };
}
