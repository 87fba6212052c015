import { createInterface } from "node:readline";
import type { Timeline } from "../timeline/timeline.ts";
import { LabError } from "../lab/errors.ts";

/**
 * The person at the bench, for steps only a person can do ("switch the AP off now", "hold the
 * board's reset button"): a guided run shows each step and waits for Enter; an unattended one
 * (--unattended, a virtual board or the unix device) has the lab apply the equivalent fault.
 */
export interface Bench {
  readonly unattended: boolean;
  /**
   * Show `text` and wait for the person's Enter: `manual.prompt` on the timeline when shown,
   * `manual.done` when confirmed. Ends early (LabError "interrupted") when the run is torn down.
   */
  confirm(tl: Timeline, step: string, text: string, signal: AbortSignal): Promise<void>;
}

/** The lab does every step itself. */
export const unattendedBench: Bench = {
  unattended: true,
  async confirm() {
    throw new LabError("a guided step was prompted in an unattended run");
  },
};

/** Steps shown on `output`, confirmed with Enter on `input` (the terminal). */
export function terminalBench(input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stderr): Bench {
  return {
    unattended: false,
    async confirm(tl, step, text, signal) {
      tl.record("lab", "manual.prompt", { step, text });
      output.write(`\n  ▶ ${text}\n    press Enter when done\n`);
      const rl = createInterface({ input, terminal: false });
      try {
        await new Promise<void>((resolve, reject) => {
          const abort = () => reject(new LabError("interrupted"));
          if (signal.aborted) return abort();
          signal.addEventListener("abort", abort, { once: true });
          rl.once("line", () => {
            signal.removeEventListener("abort", abort);
            resolve();
          });
          rl.once("close", () => reject(new LabError(`nobody confirmed "${text}": the terminal's input ended`)));
        });
      } finally {
        rl.close();
      }
      tl.record("lab", "manual.done", { step, text });
      output.write("    ✓ noted\n");
    },
  };
}
