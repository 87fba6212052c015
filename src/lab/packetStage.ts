/**
 * The packet stage: an MQTT-aware gate in the wire tap (wiretap.ts) that can drop, delay,
 * duplicate or hold the next N packets of one type in one direction while everything else
 * passes byte for byte. Packet faults (src/faults/packet*.ts) arm it; with nothing armed it
 * only follows the packet framing (fixed header + remaining-length varint, a few byte reads per
 * packet) and hands every chunk on as the very same Buffer, so a rule armed mid-stream takes
 * effect at the next packet boundary. A packet the stage holds back is acted on once it is
 * whole; a fragment of one that never completes (the connection was cut inside it) goes with
 * its connection.
 *
 * Order within a direction is kept as TCP keeps it: a delayed or held packet stalls everything
 * behind it on its connection until it goes (a slow peer, not a reordering one).
 */

/** Packet type names as mqtt-packet spells them (`cmd`), by their fixed-header type code. */
export const PACKET_NAMES = ["reserved", "connect", "connack", "publish", "puback", "pubrec", "pubrel", "pubcomp", "subscribe", "suback", "unsubscribe", "unsuback", "pingreq", "pingresp", "disconnect", "auth"] as const;
export type PacketName = Exclude<(typeof PACKET_NAMES)[number], "reserved">;

/** `up`: device → broker; `down`: broker → device. */
export type PacketDir = "up" | "down";

export function isPacketName(x: unknown): x is PacketName {
  return typeof x === "string" && x !== "reserved" && (PACKET_NAMES as readonly string[]).includes(x);
}

/** What a whole packet's first bytes say: its type, PUBLISH flags and packet id when it has one. */
export interface PacketHead {
  cmd: PacketName;
  messageId?: number;
  /** PUBLISH only. */
  qos?: number;
  dup?: boolean;
}

/** Reads a whole packet's head (fixed header, then the packet id where its type has one). */
export function packetHead(pkt: Uint8Array): PacketHead {
  const type = pkt[0]! >> 4;
  const cmd = PACKET_NAMES[type] as PacketName;
  let i = 1;
  while (i < pkt.length && pkt[i]! & 0x80) i++;
  const body = i + 1;
  const id = (at: number) => (at + 1 < pkt.length ? (pkt[at]! << 8) | pkt[at + 1]! : undefined);
  if (cmd === "publish") {
    const qos = (pkt[0]! >> 1) & 3;
    const dup = (pkt[0]! & 8) !== 0;
    const topicLen = id(body);
    const messageId = qos > 0 && topicLen !== undefined ? id(body + 2 + topicLen) : undefined;
    return { cmd, qos, dup, ...(messageId !== undefined ? { messageId } : {}) };
  }
  if (["puback", "pubrec", "pubrel", "pubcomp", "subscribe", "suback", "unsubscribe", "unsuback"].includes(cmd)) {
    const messageId = id(body);
    return { cmd, ...(messageId !== undefined ? { messageId } : {}) };
  }
  return { cmd };
}

/** A piece of one direction's stream: bytes to pass as they are, or one whole packet the stage took. */
export type Segment = { pass: Buffer } | { packet: Buffer };

/**
 * Follows MQTT framing over one direction of one connection. Pure: bytes in, segments out.
 * `take(type)`, asked at each packet's first byte, says whether the stage wants that packet
 * whole; everything else comes out as pass-through slices of the input (no copies). Without
 * `take` and with no packet being taken, push() returns the chunk itself.
 */
export class Framer {
  private phase: "head" | "length" | "body" = "head";
  private remaining = 0;
  private mult = 1;
  private taking: Buffer[] | undefined;
  /** Set once the stream stops being MQTT (a remaining length over 4 bytes): all passes from then. */
  lost = false;

  /** Bytes of a taken packet seen so far (a fragment, when the connection ends now). */
  get fragment(): number {
    return this.taking?.reduce((n, b) => n + b.length, 0) ?? 0;
  }

  /** True between packets. */
  get atBoundary(): boolean {
    return this.phase === "head";
  }

  push(chunk: Buffer, take?: (type: number) => boolean): Segment[] | Buffer {
    if (this.lost) return chunk;
    if (!take && !this.taking) {
      this.skip(chunk);
      return chunk;
    }
    const out: Segment[] = [];
    let from = 0;
    let i = 0;
    const n = chunk.length;
    while (i < n && !this.lost) {
      if (this.phase === "head") {
        if (take?.(chunk[i]! >> 4)) {
          if (i > from) out.push({ pass: chunk.subarray(from, i) });
          this.taking = [];
          from = i;
        }
        this.phase = "length";
        this.mult = 1;
        this.remaining = 0;
        i++;
      } else if (this.phase === "length") {
        const b = chunk[i++]!;
        this.remaining += (b & 0x7f) * this.mult;
        this.mult *= 128;
        if ((b & 0x80) === 0) this.phase = "body";
        else if (this.mult > 128 ** 3) this.lost = true;
      } else {
        const step = Math.min(this.remaining, n - i);
        i += step;
        this.remaining -= step;
      }
      if (this.phase === "body" && this.remaining === 0) {
        this.phase = "head";
        if (this.taking) {
          this.taking.push(chunk.subarray(from, i));
          out.push({ packet: this.taking.length === 1 ? this.taking[0]! : Buffer.concat(this.taking) });
          this.taking = undefined;
          from = i;
        }
      }
    }
    if (this.taking) {
      if (this.lost) {
        // Not MQTT after all: what was taken goes on as it came, and so does the rest.
        this.taking.push(chunk.subarray(from));
        out.push({ pass: Buffer.concat(this.taking) });
        this.taking = undefined;
      } else this.taking.push(chunk.subarray(from, n));
    } else if (from < n) out.push({ pass: chunk.subarray(from, n) });
    return out;
  }

  /** Idle path: follow the framing without splitting anything. */
  private skip(chunk: Buffer): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.phase === "head") {
        this.phase = "length";
        this.mult = 1;
        this.remaining = 0;
        i++;
      } else if (this.phase === "length") {
        const b = chunk[i++]!;
        this.remaining += (b & 0x7f) * this.mult;
        this.mult *= 128;
        if ((b & 0x80) === 0) this.phase = this.remaining === 0 ? "head" : "body";
        else if (this.mult > 128 ** 3) {
          this.lost = true;
          return;
        }
      } else {
        const step = Math.min(this.remaining, n - i);
        i += step;
        this.remaining -= step;
        if (this.remaining === 0) this.phase = "head";
      }
    }
  }
}

/** What a rule does to each packet it takes. */
export type PacketAction = "drop" | "delay" | "duplicate" | "hold";

export interface RuleSpec {
  cmd: PacketName;
  dir: PacketDir;
  /** How many packets it takes, across connections; Infinity: every one until disarmed. */
  count: number;
  action: PacketAction;
  /** delay: how long each packet waits, ms. */
  delayMs?: number;
  /** Told as each packet is touched, and again when a delayed or held one goes on or is dropped. */
  onTouch?: (t: Touch) => void;
}

/** One packet a rule touched, as the timeline records it. */
export interface Touch extends PacketHead {
  /** dropped, delayed, duplicated, held — then released (a delayed or held one went on) or discarded (its connection ended first). */
  what: "dropped" | "delayed" | "duplicated" | "held" | "released" | "discarded";
  dir: PacketDir;
  conn: number;
  /** 1 for the first packet the rule took, 2 for the second… */
  n: number;
  bytes: number;
}

/** A rule in place: how many it took, and how to end it. */
export interface ArmedRule {
  readonly spec: RuleSpec;
  readonly taken: number;
  readonly done: boolean;
  /** Take no more packets; hold: release what is held on connections still open. */
  disarm(): void;
}

interface Rule extends ArmedRule {
  taken: number;
  done: boolean;
  release: Array<() => void>;
}

/** Whether `spec` wants a packet of type code `type` going `dir`: the first such rule still taking. */
export function ruleFor<R extends { spec: Pick<RuleSpec, "cmd" | "dir">; done: boolean }>(rules: readonly R[], dir: PacketDir, type: number): R | undefined {
  const cmd = PACKET_NAMES[type];
  return rules.find((r) => !r.done && r.spec.dir === dir && r.spec.cmd === cmd);
}

/** Where one direction of one connection writes, in order, with stalls behind delayed or held packets. */
class Outlet {
  private queue: Array<{ bytes: Buffer; until?: Promise<boolean>; after?: () => void }> = [];
  private pumping = false;
  closed = false;

  constructor(private readonly sink: (b: Buffer) => void) {}

  write(bytes: Buffer, until?: Promise<boolean>, after?: () => void): void {
    if (!this.pumping && this.queue.length === 0 && !until) {
      if (!this.closed) this.sink(bytes);
      return;
    }
    this.queue.push({ bytes, ...(until ? { until } : {}), ...(after ? { after } : {}) });
    if (!this.pumping) void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.queue.length) {
        const e = this.queue.shift()!;
        const go = e.until ? await e.until : true;
        if (go && !this.closed) {
          // Told first: what the sink records of the packet comes after its release.
          e.after?.();
          this.sink(e.bytes);
        }
      }
    } finally {
      // Never left stalled: whatever a sink did, the next write finds the outlet free.
      this.pumping = false;
    }
  }
}

/** One connection through the stage: both directions' framing and outlets. */
export interface StageConnection {
  /** Bytes arriving from `dir`'s sender. */
  push(dir: PacketDir, chunk: Buffer): void;
  /** The connection ended: what is delayed or held on it is gone with it. */
  close(): void;
}

/**
 * The stage for one device link: rules, armed by packet faults, apply to every connection
 * through the tap (the count runs across reconnects).
 */
export class PacketStage {
  private rules: Rule[] = [];
  private closers = new Set<() => void>();

  /** Rules still taking packets (for the idle check; none: every chunk passes untouched). */
  get armed(): number {
    return this.rules.filter((r) => !r.done).length;
  }

  arm(spec: RuleSpec): ArmedRule {
    const rule: Rule = {
      spec,
      taken: 0,
      done: spec.count <= 0,
      release: [],
      disarm: () => {
        rule.done = true;
        this.rules = this.rules.filter((r) => r !== rule);
        for (const go of rule.release.splice(0)) go();
      },
    };
    this.rules.push(rule);
    return rule;
  }

  /** A new connection: `sinks` write to the broker (up) and to the device (down). */
  connection(conn: number, sinks: Record<PacketDir, (b: Buffer) => void>): StageConnection {
    const framers = { up: new Framer(), down: new Framer() };
    const outlets = { up: new Outlet(sinks.up), down: new Outlet(sinks.down) };
    const pending = new Set<() => void>();
    const act = (dir: PacketDir, pkt: Buffer) => {
      const rule = ruleFor(this.rules, dir, pkt[0]! >> 4);
      const out = outlets[dir];
      // The rule ended while the packet was still coming in: it passes.
      if (!rule) return out.write(pkt);
      const n = ++rule.taken;
      if (rule.taken >= rule.spec.count) rule.done = true;
      const head = packetHead(pkt);
      const touch = (what: Touch["what"]) => rule.spec.onTouch?.({ ...head, what, dir, conn, n, bytes: pkt.length });
      switch (rule.spec.action) {
        case "drop":
          touch("dropped");
          return;
        case "duplicate":
          touch("duplicated");
          out.write(pkt);
          out.write(pkt);
          return;
        case "delay":
        case "hold": {
          touch(rule.spec.action === "delay" ? "delayed" : "held");
          let settle!: (go: boolean) => void;
          const until = new Promise<boolean>((resolve) => (settle = resolve));
          let settled = false;
          let timer: NodeJS.Timeout | undefined;
          const end = (go: boolean) => {
            clearTimeout(timer);
            pending.delete(drop);
            if (settled) return;
            settled = true;
            if (!go) touch("discarded");
            settle(go);
          };
          const drop = () => end(false);
          pending.add(drop);
          if (rule.spec.action === "delay") timer = setTimeout(() => end(true), rule.spec.delayMs ?? 0);
          else rule.release.push(() => end(true));
          out.write(pkt, until, () => touch("released"));
          return;
        }
      }
    };
    const closeAll = () => {
      outlets.up.closed = outlets.down.closed = true;
      // What is delayed or held here is gone with the connection (a release later finds it settled).
      for (const drop of [...pending]) drop();
      this.closers.delete(closeAll);
    };
    this.closers.add(closeAll);
    return {
      push: (dir, chunk) => {
        const taking = this.rules.some((r) => !r.done);
        const res = framers[dir].push(chunk, taking ? (type) => ruleFor(this.rules, dir, type) !== undefined : undefined);
        if (Buffer.isBuffer(res)) return outlets[dir].write(res);
        for (const seg of res) {
          if ("pass" in seg) outlets[dir].write(seg.pass);
          else act(dir, seg.packet);
        }
      },
      close: closeAll,
    };
  }

  /** Teardown: every delayed or held packet is dropped, every rule ends. */
  close(): void {
    for (const c of [...this.closers]) c();
    for (const r of [...this.rules]) {
      r.done = true;
      r.release = [];
    }
    this.rules = [];
  }
}
