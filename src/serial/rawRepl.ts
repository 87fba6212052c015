import { LabError } from "../lab/errors.ts";

/** A board's byte stream, whatever carries it (serialport, a test's pipe). */
export interface ByteLink {
  write(b: Buffer | string): void;
}

const RAW_PROMPT = "raw REPL; CTRL-B to exit\r\n>";

/**
 * The host end of MicroPython's raw REPL, the protocol mpremote speaks (shared/runtime/pyexec.c):
 * Ctrl-C interrupts, Ctrl-A enters raw mode, `\x05A\x01` raw paste with its flow-control
 * windows, Ctrl-D executes (or soft-resets on an empty buffer), Ctrl-B leaves raw mode.
 * Anything the board prints that is not the awaited marker — boot garbage, a ROM banner —
 * is skipped, and every wait has a bound and names what it waited for.
 */
export class RawRepl {
  private buf = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private closedWhy: string | undefined;
  /** While set, bytes go here instead of the buffer (the agent's stream). */
  private tap: ((b: Buffer) => void) | undefined;
  private rawPaste = true;
  /** The command in hand: one at a time, as the board takes them (see one()). */
  private busy: Promise<unknown> = Promise.resolve();

  constructor(private readonly link: ByteLink) {}

  /**
   * Commands (enter, softReset, exec, start) run one after another: two at once would share
   * the buffer and each take the other's answer — the run's teardown removing the WiFi file
   * while the WiFi check still runs, say. interrupt() is how a later one cuts an earlier short.
   */
  private one<T>(f: () => Promise<T>): Promise<T> {
    const run = this.busy.then(f, f);
    this.busy = run.catch(() => undefined);
    return run;
  }

  /** Ctrl-C now, not queued: the command in hand ends with the board's KeyboardInterrupt, and the next one runs. */
  interrupt(): void {
    this.link.write("\r\x03\x03");
  }

  /** Feed bytes the board sent. */
  push(b: Buffer): void {
    if (this.tap) return this.tap(b);
    this.buf = Buffer.concat([this.buf, b]);
    this.wake?.();
  }

  /** The link is gone: every wait ends with this reason. */
  close(why: string): void {
    this.closedWhy ??= why;
    this.wake?.();
  }

  /** Bytes received and not consumed (for error messages: what the board said instead). */
  pending(): string {
    return printable(this.buf.subarray(-120));
  }

  /** Wait until `marker` arrived; returns what came before it (and drops both). */
  async readUntil(marker: string | Buffer, ms: number, what: string): Promise<Buffer> {
    const m = typeof marker === "string" ? Buffer.from(marker, "latin1") : marker;
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.buf.indexOf(m);
      if (i >= 0) {
        const before = this.buf.subarray(0, i);
        this.buf = this.buf.subarray(i + m.length);
        return before;
      }
      if (this.closedWhy) throw new LabError(`${what}: ${this.closedWhy}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new LabError(`${what}: no answer within ${ms} ms (the board said: ${this.pending() || "nothing"})`);
      await this.waitData(left);
    }
  }

  /** Exactly `n` bytes. */
  async read(n: number, ms: number, what: string): Promise<Buffer> {
    const deadline = Date.now() + ms;
    while (this.buf.length < n) {
      if (this.closedWhy) throw new LabError(`${what}: ${this.closedWhy}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new LabError(`${what}: no answer within ${ms} ms (the board said: ${this.pending() || "nothing"})`);
      await this.waitData(left);
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  private waitData(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(t);
        self.wake = undefined;
        resolve();
      }
      this.wake = done;
    });
  }

  /** Bytes to the board as they are (a person's keystrokes at the friendly REPL). */
  write(b: Buffer | string): void {
    this.link.write(b);
  }

  /** Drop what came so far (after an interrupt: the board's reply to it). */
  flush(): void {
    this.buf = Buffer.alloc(0);
  }

  /**
   * Interrupt whatever runs and enter the raw REPL, as mpremote does: Ctrl-C twice, then
   * Ctrl-A until the raw prompt comes. A board still booting (or printing its ROM log) is
   * given `bootMs` to come round.
   */
  enter(bootMs = 5000): Promise<void> {
    return this.one(() => this.enterNow(bootMs));
  }

  private async enterNow(bootMs: number): Promise<void> {
    const deadline = Date.now() + bootMs;
    for (let attempt = 1; ; attempt++) {
      this.link.write("\r\x03\x03");
      await this.settle(100);
      this.flush();
      this.link.write("\r\x01");
      try {
        await this.readUntil(RAW_PROMPT, Math.min(1000, Math.max(200, deadline - Date.now())), "entering the raw REPL");
        return;
      } catch (err) {
        if (this.closedWhy || Date.now() >= deadline) throw err;
      }
    }
  }

  /** Quiet for `ms`: let a board's reply to an interrupt arrive before it is dropped. */
  private async settle(ms: number): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
  }

  /** Soft reset from the raw REPL (a fresh heap, files kept); back at the raw prompt after it. */
  softReset(ms = 10_000): Promise<void> {
    return this.one(() => this.softResetNow(ms));
  }

  private async softResetNow(ms: number): Promise<void> {
    this.link.write("\x04");
    await this.readUntil("soft reboot\r\n", ms, "soft reset");
    await this.readUntil(RAW_PROMPT, ms, "the raw REPL after a soft reset");
  }

  /** Run `code` and return its output; a Python exception is a LabError with its text. */
  exec(code: string, ms = 10_000, what = "a raw REPL command"): Promise<string> {
    return this.one(() => this.execNow(code, ms, what));
  }

  private async execNow(code: string, ms: number, what: string): Promise<string> {
    await this.send(code, ms, what);
    const out = await this.readUntil("\x04", ms, what);
    const err = await this.readUntil("\x04", ms, what);
    await this.readUntil(">", ms, what);
    // The exception's last line ("MemoryError: …") says it; the traceback above it, where.
    if (err.length) throw new LabError(`${what} failed on the board: ${err.toString("utf8").trim().split(/\r?\n/).pop() ?? ""}`);
    return out.toString("utf8");
  }

  /**
   * Send `code` to run and return at once: what it prints then goes to `onBytes` (the
   * agent's JSON lines, then the raw REPL's end markers) instead of the buffer.
   */
  start(code: string, onBytes: (b: Buffer) => void, ms = 10_000): Promise<void> {
    return this.one(() => this.startNow(code, onBytes, ms));
  }

  private async startNow(code: string, onBytes: (b: Buffer) => void, ms: number): Promise<void> {
    await this.send(code, ms, "starting the agent");
    this.tap = onBytes;
    const rest = this.buf;
    this.buf = Buffer.alloc(0);
    if (rest.length) onBytes(rest);
  }

  /** Stop handing bytes to the tap (back to the raw REPL's own reads). */
  untap(): void {
    this.tap = undefined;
  }

  /** Send code: raw paste when the board has it, else the plain raw REPL in small pieces. */
  private async send(code: string, ms: number, what: string): Promise<void> {
    const data = Buffer.from(code, "utf8");
    if (this.rawPaste) {
      this.link.write("\x05A\x01");
      const r = await this.read(2, ms, `${what} (raw paste)`);
      if (r.toString("latin1") === "R\x01") return this.paste(data, ms, what);
      if (r.toString("latin1") !== "R\x00") await this.readUntil(RAW_PROMPT, ms, `${what} (after raw paste was refused)`);
      else await this.readUntil(">", ms, `${what} (after raw paste was refused)`);
      this.rawPaste = false;
    }
    for (let i = 0; i < data.length; i += 256) {
      this.link.write(data.subarray(i, i + 256));
      await this.settle(10);
    }
    this.link.write("\x04");
    const ok = await this.read(2, ms, what);
    if (ok.toString("latin1") !== "OK") throw new LabError(`${what}: the board did not take the command (it said ${printable(ok)})`);
  }

  private async paste(data: Buffer, ms: number, what: string): Promise<void> {
    const w = await this.read(2, ms, `${what} (raw paste window)`);
    const window = w.readUInt16LE(0);
    let room = window;
    let i = 0;
    while (i < data.length) {
      // The board grants a window with \x01 each time it has taken one; \x04 is it giving up.
      while (room === 0 || this.buf.length > 0) {
        const c = (await this.read(1, ms, `${what} (raw paste flow control)`))[0];
        if (c === 0x01) room += window;
        else if (c === 0x04) {
          this.link.write("\x04");
          throw new LabError(`${what}: the board ended the raw paste early`);
        } else throw new LabError(`${what}: unexpected byte ${c} during raw paste`);
      }
      const chunk = data.subarray(i, i + room);
      this.link.write(chunk);
      room -= chunk.length;
      i += chunk.length;
    }
    this.link.write("\x04");
    await this.readUntil("\x04", ms, `${what} (end of raw paste)`);
  }
}

/** Bytes as text a message can quote: control and non-ASCII bytes as \xNN. */
export function printable(b: Buffer): string {
  let s = "";
  for (const c of b) s += c === 0x0a ? "\\n" : c === 0x0d ? "\\r" : c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, "0")}`;
  return s;
}
