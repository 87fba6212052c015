import { liveLabs } from "../lab/lab.ts";

let interrupted = false;

/** Whether a Ctrl-C or SIGTERM came: a run not yet started then never starts. */
export function wasInterrupted(): boolean {
  return interrupted;
}

/**
 * Ctrl-C / SIGTERM: tear every lab down (the runs then write their partial results);
 * a second signal kills whatever is left at once.
 */
export function watchSignals(): void {
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.on(sig, () => {
      if (interrupted) {
        for (const lab of liveLabs()) lab.killAllNow();
        process.exit(2);
      }
      interrupted = true;
      console.error(`faraday: ${sig} — stopping every run and keeping partial results (again to force)`);
      for (const lab of liveLabs()) void lab.teardown();
    });
  }
  process.on("exit", () => {
    for (const lab of liveLabs()) lab.killAllNow();
  });
}
