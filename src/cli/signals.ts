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
  // A bug of the lab's own (an exception no code path caught) must not end the invocation with
  // runs silently missing and an exit code CI reads as the client's failure: every running run
  // ends as `error` naming it, no new run starts, the results written so far are kept, exit 2.
  const labBug = (err: unknown) => {
    const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    if (interrupted) {
      console.error(`faraday: internal error while stopping — ${msg}`);
      return;
    }
    interrupted = true;
    console.error(`faraday: internal error — ${msg}; stopping every run (they end as error) and keeping partial results`);
    if (err instanceof Error && err.stack) console.error(err.stack);
    const labs = liveLabs();
    // Outside any run (a report, a check): nothing to stop, nothing to finish.
    if (labs.length === 0) process.exit(2);
    for (const lab of labs) {
      lab.fail(`the lab itself failed (a bug of faraday's, not the client's): ${msg}`);
      void lab.teardown();
    }
  };
  process.on("uncaughtException", labBug);
  process.on("unhandledRejection", labBug);
  process.on("exit", () => {
    for (const lab of liveLabs()) lab.killAllNow();
  });
}
