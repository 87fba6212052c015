import type { Timeline } from "../timeline/timeline.ts";

/**
 * What carries an agent's lines: a local process (OwnedProcess) or a board's serial port
 * (src/serial/board.ts). `exited` resolves when the agent is gone, however it went.
 */
export interface AgentTransport {
  /** `note`: what the host knows of how it went when no exit status says it (powerLost). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; note?: string }>;
  readonly running: boolean;
  /** The last lines it printed, for a failure to quote. */
  readonly tail: string[];
  /** One line to the agent; false when it can no longer be sent. */
  write(line: string): boolean;
  /** End it abruptly, as a power cut does (no DISCONNECT from the client). */
  kill(): Promise<void>;
  /**
   * The power went by itself, outside the lab (a person holds a board's RESET): count the agent
   * gone at once, as a dead device, writing nothing to it (it is off); its exit carries `note`.
   * Absent on a transport no person can switch off (a local process): the lab kills it instead.
   */
  powerLost?(note: string): void;
  /** A local process's id (a board has none). */
  readonly pid?: number | undefined;
  /** How a local process ended, once it has. */
  readonly exitCode?: { code: number | null; signal: NodeJS.Signals | null } | undefined;
}

export interface Ack {
  id: number;
  ok: boolean;
  dt?: number;
  err?: string;
  /** PUBACK reason code of a publish, when the client exposes it. */
  reason?: number;
  /** SUBACK codes of a subscribe, when the client exposes them. */
  granted?: number[];
}

/**
 * The host end of the agent protocol (docs/agent-protocol.md) over one process's stdio or a board's serial port.
 * Device lines that are JSON events go on the timeline as `device` events; any other line
 * is the client's own output and is kept as a `log` event.
 */
/** A device event read this much later than the device wrote it is marked `readLateMs` (see onLine). */
const READ_LATE_MS = 100;
/** Beyond this the device's clock has jumped (ticks_ms wrapped), not the host's reading: no mark. */
const READ_LATE_MAX_MS = 60_000;

export class AgentChannel {
  private nextId = 0;
  /** The least host-minus-device clock difference seen: the host's promptest reading of the device. */
  private skew: number | undefined;
  private readonly pending = new Map<number, { op: string; resolve: (a: Ack) => void }>();
  hello: Record<string, unknown> | undefined;
  /** quietLog: lines of the client's output left off the timeline, and how many of a traceback are still to keep. */
  private dropped = 0;
  private keepLines = 0;

  constructor(
    readonly name: string,
    readonly proc: AgentTransport,
    private readonly tl: Timeline,
    private readonly opts: { quietLog?: boolean } = {},
  ) {
    void proc.exited.then(({ code, signal, note }) => {
      tl.record("device", "exit", { device: name, code, signal, tail: proc.tail.slice(-8), ...(this.dropped ? { droppedLogLines: this.dropped } : {}), ...(note ? { note } : {}) });
      for (const [id, p] of this.pending) p.resolve({ id, ok: false, err: `device exited during ${p.op}` });
      this.pending.clear();
    });
  }

  /** Feed one line the device wrote. */
  onLine(line: string, stream: "stdout" | "stderr"): void {
    if (stream === "stdout" && line.startsWith('{"ev":')) {
      let ev: Record<string, unknown>;
      try {
        ev = JSON.parse(line) as Record<string, unknown>;
      } catch {
        this.tl.record("device", "log", { device: this.name, line, note: "malformed agent line" });
        return;
      }
      const { ev: kind, t: devT, ...rest } = ev;
      const rec: Record<string, unknown> = { device: this.name, ...rest };
      if (typeof devT === "number") {
        rec.dt_dev = devT;
        // A host starved of CPU reads the device's lines late, and the timeline stamps them when
        // read: the device's own clock says how late (measured: a `down` read 1.6 s after the
        // device wrote it, its heartbeats arriving in one burst, under a loaded machine).
        const d = this.tl.now() - devT;
        if (this.skew === undefined || d < this.skew) this.skew = d;
        const late = Math.round(d - this.skew);
        if (late >= READ_LATE_MS && late <= READ_LATE_MAX_MS) rec.readLateMs = late;
      }
      if (kind === "ack") {
        const p = this.pending.get(rest.id as number);
        if (p) rec.op = p.op;
      }
      this.tl.record("device", String(kind), rec);
      if (kind === "hello") this.hello = rest;
      if (kind === "ack") {
        const id = rest.id as number;
        const p = this.pending.get(id);
        if (p) {
          this.pending.delete(id);
          p.resolve({
            id,
            ok: rest.ok === true,
            dt: rest.dt as number,
            err: rest.err as string | undefined,
            ...(typeof rest.reason === "number" ? { reason: rest.reason } : {}),
            ...(Array.isArray(rest.granted) ? { granted: rest.granted as number[] } : {}),
          });
        }
      }
      return;
    }
    if (this.opts.quietLog) {
      // A traceback and the lines that follow it stay: noUncaughtErrors judges them.
      if (line.startsWith("Traceback (most recent call last)")) this.keepLines = 12;
      if (this.keepLines === 0) {
        this.dropped++;
        return;
      }
      this.keepLines--;
    }
    this.tl.record("device", "log", { device: this.name, line, ...(stream === "stderr" ? { stream } : {}) });
  }

  /** Send one operation; resolves with its ack (never rejects: a dead device acks ok:false). */
  send(op: string, fields: Record<string, unknown> = {}): { id: number; ack: Promise<Ack> } {
    const id = ++this.nextId;
    const ack = new Promise<Ack>((resolve) => {
      if (!this.proc.running) return resolve({ id, ok: false, err: "device is not running" });
      this.pending.set(id, { op, resolve });
      this.tl.record("device", "op", { device: this.name, id, op, ...fields });
      if (!this.proc.write(JSON.stringify({ op, id, ...fields }))) {
        this.pending.delete(id);
        resolve({ id, ok: false, err: "device stdin closed" });
      }
    });
    return { id, ack };
  }

  get running(): boolean {
    return this.proc.running;
  }
}
