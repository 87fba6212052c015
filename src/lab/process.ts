import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { createInterface } from "node:readline";

export interface OwnedProcessOptions {
  /** Who speaks, for prefixes and timeline events: "mosquitto", "toxiproxy", "device". */
  name: string;
  cmd: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Every stdout/stderr line, as it arrives. */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
  /** Keep stdin open as a pipe (for agents that read operations). */
  stdin?: boolean;
  /**
   * The lab cannot do its job without this process (a broker, the proxy): an exit that nobody
   * asked for (no stop, kill or terminating signal from the lab) breaks the run. A device is
   * never vital: a device that dies by itself is the client's doing.
   */
  vital?: boolean;
}

/**
 * A child process in its own process group, so that a kill reaches everything it spawned.
 * Its last lines are kept so a failure can quote them.
 */
/** Signals the lab sends to end a process (SIGSTOP/SIGCONT only pause and resume it). */
const TERMINATING = new Set<NodeJS.Signals>(["SIGKILL", "SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT"]);

export class OwnedProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly tail: string[] = [];
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private asked = false;

  constructor(readonly opts: OwnedProcessOptions) {
    const so: SpawnOptions = {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      detached: true, // own process group: kill(-pid) takes its children too
      stdio: [opts.stdin ? "pipe" : "ignore", "pipe", "pipe"],
    };
    this.child = spawn(opts.cmd, opts.args, so);
    this.exited = new Promise((resolve) => {
      this.child.once("error", (err) => {
        this.remember(`spawn failed: ${err.message}`);
        this.exitInfo = { code: -1, signal: null };
        resolve(this.exitInfo);
      });
      this.child.once("exit", (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
    // A write to a process that is closing its stdin (an agent exiting after `stop` while the
    // host sends `stats`) fails with EPIPE on the stream, later: unheard, that error would end
    // faraday itself. The process's exit tells the rest; the error is kept with its last words.
    this.child.stdin?.on("error", (err) => this.remember(`(its stdin: ${err.message})`));
    for (const stream of ["stdout", "stderr"] as const) {
      const s = this.child[stream];
      if (!s) continue;
      createInterface({ input: s, crlfDelay: Infinity }).on("line", (line) => {
        this.remember(line);
        opts.onLine?.(line, stream);
      });
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitInfo === undefined && this.child.pid !== undefined;
  }

  get exitCode(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this.exitInfo;
  }

  write(line: string): boolean {
    const s = this.child.stdin;
    if (!s || s.destroyed || !this.running) return false;
    s.write(line + "\n");
    return true;
  }

  /**
   * True once the lab itself ended (or began to end) this process: a stop, a kill or a
   * terminating signal. An exit without it is the process's own doing.
   */
  get exitAsked(): boolean {
    return this.asked;
  }

  /** Signal the whole process group. */
  signal(sig: NodeJS.Signals): void {
    if (!this.running || this.child.pid === undefined) return;
    if (TERMINATING.has(sig)) this.asked = true;
    try {
      process.kill(-this.child.pid, sig);
    } catch {
      try {
        this.child.kill(sig);
      } catch {
        /* already gone */
      }
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  async stop(graceMs = 2000): Promise<void> {
    this.asked = true;
    if (!this.running) return;
    this.signal("SIGCONT"); // a frozen process cannot act on SIGTERM
    this.signal("SIGTERM");
    const t = setTimeout(() => this.signal("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(t);
  }

  async kill(): Promise<void> {
    this.asked = true;
    if (!this.running) return;
    this.signal("SIGKILL");
    await this.exited;
  }

  private remember(line: string): void {
    this.tail.push(line);
    if (this.tail.length > 40) this.tail.shift();
  }
}
