import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Timeline } from "../timeline/timeline.ts";
import { OwnedProcess, type OwnedProcessOptions } from "./process.ts";
import { freePort } from "./ports.ts";
import { LabError, oneLine } from "./errors.ts";
import { claimSandbox, forgetGroup, registerGroup, releaseSandbox } from "./reaper.ts";

/** Every Lab alive in this process, so a signal handler can tear all of them down. */
const alive = new Set<Lab>();

export function liveLabs(): Lab[] {
  return [...alive];
}

/**
 * One sandbox per run: its own temp dir, its own ports, its own child processes and one
 * owner that tears everything down — on success, failure, timeout or Ctrl-C.
 * Teardown steps run in reverse order and all of them run, even if some fail.
 */
export class Lab {
  readonly dir: string;
  readonly timeline: Timeline;
  private readonly cleanups: { what: string; fn: () => unknown }[] = [];
  private readonly processes = new Set<OwnedProcess>();
  private torn: Promise<void> | undefined;
  /** Aborted on teardown or when the lab breaks, so every wait in the scenario returns at once. */
  readonly abort = new AbortController();
  private brokenBy: string | undefined;

  constructor(readonly runId: string, opts: { keepDir?: boolean; timeline?: Timeline } = {}) {
    this.dir = mkdtempSync(join(tmpdir(), `faraday-${runId.replace(/[^\w.-]/g, "_").slice(0, 40)}-`));
    this.timeline = opts.timeline ?? new Timeline();
    claimSandbox(this.dir); // its owner marker; should faraday die, the reaper removes it
    this.defer("release sandbox", () => releaseSandbox(this.dir, opts.keepDir));
    if (!opts.keepDir) this.defer("remove sandbox dir", () => rmSync(this.dir, { recursive: true, force: true }));
    alive.add(this);
  }

  port(): Promise<number> {
    return freePort();
  }

  /** Start a child that this lab owns until teardown. */
  spawn(opts: OwnedProcessOptions): OwnedProcess {
    // A scenario still running after Ctrl-C must not start what teardown just stopped.
    if (this.torn) throw new LabError(`interrupted: not starting ${opts.name} during teardown`);
    const p = new OwnedProcess(opts);
    registerGroup(this.dir, p.pid); // should faraday die, the reaper kills the group
    this.processes.add(p);
    void p.exited.then((ex) => {
      this.processes.delete(p);
      forgetGroup(p.pid);
      // A broker or proxy that died by itself: the lab can no longer do its job. Said on the
      // timeline at the moment it happens, and the run ends as `error` at once.
      if (opts.vital && !p.exitAsked && !this.tornDown) {
        const how = ex.signal ? `signal ${ex.signal}` : `code ${ex.code ?? "?"}`;
        this.timeline.record("lab", "child.exit", { name: opts.name, pid: p.pid, code: ex.code, signal: ex.signal, tail: p.tail.slice(-5) });
        this.fail(`${opts.name} (pid ${p.pid ?? "?"}) exited by itself (${how}) with no fault scheduled; last output: ${p.tail.slice(-3).join(" | ") || "(nothing)"}`);
      }
    });
    return p;
  }

  /**
   * The lab broke (a vital process died, the observer lost its broker, a lab step failed):
   * recorded once as a `lab error` on the timeline, and every wait returns at once. The run's
   * verdict is then `error`, whatever the checks say. The first break is the one reported.
   */
  fail(reason: string): void {
    if (this.brokenBy !== undefined || this.tornDown) return;
    this.brokenBy = reason;
    this.timeline.record("lab", "error", { msg: reason });
    this.abort.abort();
  }

  /** Why the lab broke, if it did (undefined for a clean run or a mere interruption). */
  get broken(): string | undefined {
    return this.brokenBy;
  }

  /** Register a cleanup; they run last-in first-out at teardown. */
  defer(what: string, fn: () => unknown): void {
    this.cleanups.push({ what, fn });
  }

  get tornDown(): boolean {
    return this.torn !== undefined;
  }

  teardown(): Promise<void> {
    this.torn ??= this.doTeardown();
    return this.torn;
  }

  private async doTeardown(): Promise<void> {
    this.abort.abort();
    const problems: string[] = [];
    for (const c of this.cleanups.reverse()) {
      try {
        await c.fn();
      } catch (err) {
        problems.push(`${c.what}: ${oneLine(err)}`);
      }
    }
    // Whatever a cleanup forgot: no child outlives its lab.
    await Promise.allSettled([...this.processes].map((p) => p.stop(1000)));
    if (problems.length) this.timeline.record("lab", "teardown.problem", { problems });
    alive.delete(this);
  }

  /** Synchronous last resort for process exit: SIGKILL every process group we own. */
  killAllNow(): void {
    for (const p of this.processes) p.signal("SIGKILL");
  }
}
