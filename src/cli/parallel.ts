// How many runs at once this machine carries, when `--parallel` is not given: measured from its
// cores, its load and its free memory at the start of the invocation, and said in the header.
import { availableParallelism, freemem, loadavg } from "node:os";

/** What a run costs the machine, measured with `npm run bench` (see README, Speed). */
export const RUN_COST = {
  /**
   * Cores one run keeps busy on average. Measured: a MicroPython mqtt_as run uses about 0.1 of
   * a core over its life (brokers, proxy, client and faraday's share); 0.25 leaves room for a
   * reconnect storm or a TLS handshake, so a run's timing is never squeezed by its siblings.
   */
  cores: 0.25,
  /** Memory one run needs (broker, proxy, MicroPython, timeline): measured well under 100 MB. */
  bytes: 150 * 1024 * 1024,
};
/** Memory left to everything else on the machine. */
const RESERVE_BYTES = 512 * 1024 * 1024;

export interface Machine {
  cores: number;
  /** The 1-minute load average. */
  load: number;
  freeBytes: number;
}

export function thisMachine(): Machine {
  return { cores: availableParallelism(), load: loadavg()[0] ?? 0, freeBytes: freemem() };
}

/**
 * Runs at once: as many as the idle cores (cores minus load) carry at RUN_COST.cores each, no
 * more than free memory holds, at most two per core (runs mostly wait on timers and the
 * network, but their bounds are timing: beyond that the verdicts would be the machine's), and
 * at least one.
 */
export function defaultParallel(m: Machine): number {
  const byCpu = Math.floor(Math.max(0, m.cores - m.load) / RUN_COST.cores);
  const byMemory = Math.floor(Math.max(0, m.freeBytes - RESERVE_BYTES) / RUN_COST.bytes);
  return Math.max(1, Math.min(byCpu, byMemory, 2 * m.cores));
}

/** "parallel 3 (2 cores, load 0.4, 21.3 GB free)" for the header line; "parallel 2 (--parallel)" when given; "parallel 1 (one board on one port)" when the device holds it. */
export function parallelNote(n: number, m: Machine | undefined, heldBy?: string): string {
  if (!m) return `parallel ${n} (--parallel)`;
  if (heldBy) return `parallel ${n} (${heldBy})`;
  return `parallel ${n} (${m.cores} core${m.cores === 1 ? "" : "s"}, load ${m.load.toFixed(1)}, ${(m.freeBytes / 1024 ** 3).toFixed(1)} GB free)`;
}
