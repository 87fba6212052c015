import { connect } from "node:net";
import { LabError } from "./errors.ts";
import type { OwnedProcess } from "./process.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `probe` until it succeeds, the process dies, or `withinMs` passes. On failure the
 * error says what was awaited, for how long, and quotes the process's last lines.
 */
export async function until(
  what: string,
  probe: () => Promise<boolean>,
  opts: { withinMs: number; proc?: OwnedProcess; everyMs?: number },
): Promise<void> {
  const deadline = Date.now() + opts.withinMs;
  for (;;) {
    if (opts.proc && !opts.proc.running) {
      const ex = opts.proc.exitCode;
      throw new LabError(
        `${opts.proc.opts.name} exited (code ${ex?.code ?? "?"}${ex?.signal ? ", " + ex.signal : ""}) before ${what}; last output: ${lastLines(opts.proc)}`,
      );
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) {
      const log = opts.proc ? `; last output: ${lastLines(opts.proc)}` : "";
      throw new LabError(`${what} did not happen within ${opts.withinMs} ms${log}`);
    }
    // A local process's port: a try costs a loopback connect, so every 10 ms (50 ms made every
    // broker start and restart wait 25 ms on average for nothing).
    await sleep(opts.everyMs ?? 10);
  }
}

export function lastLines(p: OwnedProcess, n = 3): string {
  const lines = p.tail.slice(-n).join(" | ");
  return lines === "" ? "(nothing)" : lines;
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
    s.setTimeout(500, () => {
      s.destroy();
      resolve(false);
    });
  });
}
