import { SerialPort } from "serialport";
import { LabError, oneLine } from "../lab/errors.ts";
import { RawRepl } from "./rawRepl.ts";

type Exit = { code: number | null; signal: NodeJS.Signals | null; note?: string };

/**
 * A MicroPython board on a serial port: its raw REPL for deploying and starting, then the
 * agent's JSON lines over the same port (an AgentTransport, src/devices/channel.ts).
 *
 * The board is not a process the lab owns: "killing" it is an interrupt and a soft reset (the
 * firmware closes its sockets without a DISCONNECT, as a power cut does), and a port that
 * closes by itself — USB unplugged, the virtual board ended — is the board vanishing, told
 * to `onVanish` once with the reason, never a hang.
 */
export class SerialBoard {
  readonly repl: RawRepl;
  readonly tail: string[] = [];
  private agent: { exited: Promise<Exit>; end: (e: Exit) => void; done: boolean } | undefined;
  private closing = false;
  private gone: string | undefined;
  private vanishHandlers: ((why: string) => void)[] = [];

  private constructor(
    readonly path: string,
    private readonly port: SerialPort,
  ) {
    this.repl = new RawRepl({ write: (b) => this.port.write(b) });
    port.on("data", (b: Buffer) => this.repl.push(b));
    port.on("error", (err: Error) => this.vanish(`the port failed: ${oneLine(err)}`));
    port.on("close", (err: (Error & { disconnected?: boolean }) | null) => {
      if (!this.closing) this.vanish(err ? `the port closed: ${oneLine(err)}` : "the port closed");
    });
  }

  /** Open the port; a port that is not there or cannot be opened is one line saying so. */
  static async open(path: string, baudRate: number): Promise<SerialBoard> {
    const port = new SerialPort({ path, baudRate, autoOpen: false, hupcl: false });
    await new Promise<void>((resolve, reject) =>
      port.open((err) => (err ? reject(new LabError(`cannot open serial port ${path}: ${oneLine(err)}`)) : resolve())),
    );
    return new SerialBoard(path, port);
  }

  /** Called once if the board goes away by itself. */
  onVanish(fn: (why: string) => void): void {
    if (this.gone) fn(this.gone);
    else this.vanishHandlers.push(fn);
  }

  get vanished(): string | undefined {
    return this.gone;
  }

  private vanish(why: string): void {
    if (this.gone || this.closing) return;
    this.gone = `the board on ${this.path} went away (${why})`;
    this.repl.close(this.gone);
    this.remember(`[${this.gone}]`);
    this.agent?.end({ code: null, signal: null });
    for (const fn of this.vanishHandlers) fn(this.gone);
  }

  /**
   * Run the agent module: from here on what the board prints is the agent's (each line to
   * `onLine`), until the raw REPL's end markers say it returned — its traceback, if any, comes
   * as stderr lines and makes the exit code 1.
   */
  async startAgent(code: string, onLine: (line: string, stream: "stdout" | "stderr") => void): Promise<void> {
    let end: (e: Exit) => void = () => undefined;
    const exited = new Promise<Exit>((r) => (end = r));
    const agent = {
      exited,
      done: false,
      end: (e: Exit) => {
        if (agent.done) return;
        agent.done = true;
        this.repl.untap();
        end(e);
      },
    };
    this.agent = agent;
    const take = agentStream(
      (text, stream) => {
        this.remember(text);
        onLine(text, stream);
      },
      (code) => agent.end({ code, signal: null }),
    );
    await this.repl.start(code, take);
  }

  private remember(line: string): void {
    this.tail.push(line);
    if (this.tail.length > 40) this.tail.shift();
  }

  get exited(): Promise<Exit> {
    return this.agent?.exited ?? Promise.resolve({ code: null, signal: null });
  }

  get running(): boolean {
    return this.agent !== undefined && !this.agent.done && this.gone === undefined;
  }

  write(line: string): boolean {
    if (!this.running) return false;
    this.port.write(line + "\n");
    return true;
  }

  /**
   * A power cut as the host can give one: interrupt the agent (Ctrl-C) and soft-reset the board,
   * so its sockets close without a DISCONNECT. The agent counts as killed (SIGKILL).
   */
  async kill(): Promise<void> {
    if (!this.running || !this.agent) return;
    const agent = this.agent;
    this.repl.untap();
    this.repl.flush();
    try {
      await this.repl.enter();
      await this.repl.softReset();
    } catch (err) {
      if (!this.gone) this.remember(`[could not reset the board: ${oneLine(err)}]`);
    }
    agent.end({ code: null, signal: "SIGKILL" });
  }

  /**
   * The board's power went outside the lab (a person holds its RESET: the chip is off, the
   * USB-serial bridge keeps the port): the agent is gone now, as a dead device, and nothing is
   * written to the board — it could not answer, and `kill` would wait on it. What the board
   * prints from here on (its ROM log and banner when it boots again) is boot output for the raw
   * REPL's entry to skip, never the agent's lines. The agent counts as killed (SIGKILL), as by
   * `kill`, with `note` saying how the host knows.
   */
  powerLost(note: string): void {
    if (!this.running || !this.agent) return;
    this.repl.untap();
    this.repl.flush();
    this.remember(`[${note}]`);
    this.agent.end({ code: null, signal: "SIGKILL", note });
  }

  /** Leave the board at its raw REPL with nothing running, and close the port. */
  async close(): Promise<void> {
    if (this.closing) return;
    if (this.running) await this.kill();
    this.closing = true;
    if (this.port.isOpen) await new Promise<void>((r) => this.port.close(() => r()));
  }
}

/** Lines a board prints only when it starts again: MicroPython's soft reboot, an ESP ROM's reset log, the banner's second line. */
const REBOOTED = /^MPY: soft reboot|^ets \w{3} +\d|^rst:0x[0-9a-f]+ |^Type "help\(\)" for more information/;

/**
 * The bytes a board sends once the agent runs, as lines: its stdout, then — after the raw
 * REPL's first \x04 — the traceback it ended with (stderr), then after the second \x04 the
 * prompt `>` that says the program returned: `onEnd(1)` when there was a traceback, else 0.
 * Bytes that are not UTF-8 (boot garbage, line noise) come through as replacement characters
 * on a line of their own; \r is dropped. A board that reboots under the agent ends it too (1).
 */
export function agentStream(onLine: (line: string, stream: "stdout" | "stderr") => void, onEnd: (code: number) => void): (b: Buffer) => void {
  let section = 0; // 0: stdout, 1: stderr (the traceback), 2: waiting for the prompt, 3: ended
  let line: number[] = [];
  let errText = false;
  const flush = () => {
    if (line.length === 0) return;
    const text = Buffer.from(line).toString("utf8");
    line = [];
    if (section === 1) errText ||= text.trim() !== "";
    onLine(text, section === 1 ? "stderr" : "stdout");
    // The board rebooted under the agent (a crash, a watchdog, a brown-out): it is gone, as a
    // process that died is; what it printed stays on the timeline.
    if (section === 0 && REBOOTED.test(text)) {
      section = 3;
      onEnd(1);
    }
  };
  return (b: Buffer) => {
    for (const c of b) {
      if (section >= 2) {
        if (section === 2 && c === 0x3e) {
          section = 3;
          onEnd(errText ? 1 : 0);
        }
        continue;
      }
      if (c === 0x04) {
        flush();
        section++;
      } else if (c === 0x0a) flush();
      else if (c !== 0x0d) line.push(c);
    }
  };
}

/**
 * Is there a MicroPython board on `path`? Opens it, enters the raw REPL (through boot garbage)
 * and asks its platform, then leaves it at the raw prompt and closes the port. One line saying
 * why not: no such port, a port that cannot be opened, a port where no raw REPL answers.
 */
export async function probeBoard(path: string, baud: number, withinMs = 4000): Promise<string> {
  const { existsSync } = await import("node:fs");
  if (!existsSync(path)) throw new LabError(`no serial port ${path} here (faraday doctor lists the ports it sees; faraday board virtual makes one)`);
  const board = await SerialBoard.open(path, baud);
  try {
    try {
      await board.repl.enter(withinMs);
    } catch (err) {
      if (board.vanished) throw err;
      throw new LabError(`${path} is not a MicroPython board: no raw REPL answered within ${withinMs} ms (it said: ${board.repl.pending() || "nothing"})`);
    }
    return lastLine(await board.repl.exec("import sys\nprint(sys.platform)", withinMs, `asking the board on ${path} its platform`));
  } finally {
    await board.close();
  }
}

/** The last line a command printed (what came before it may be a noisy line's garbage). */
export function lastLine(out: string): string {
  return out.trim().split(/\r?\n/).pop()?.trim() ?? "";
}
