import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Lab } from "../lab/lab.ts";
import { LabError } from "../lab/errors.ts";
import type { OwnedProcess } from "../lab/process.ts";

/** What a virtual board emulates of a real one (from its board profile). */
export interface VirtualBoardSpec {
  /** The profile's name ("esp32"), or "generic". */
  name: string;
  /** The friendly REPL's banner line ("MicroPython v1.22.1 on …; Generic ESP32 module with ESP32"). */
  banner: string;
  /** The interpreter's heap in KB (-X heapsize): the board's free RAM after boot. */
  heapKb?: number;
  /** Print garbage on every (re)boot, as a ROM boot log read at the wrong baud rate does, and before each program's output (harness/board/repl.py). */
  noise?: boolean;
  /**
   * The access point in its reach (the network shim's): a connect() naming another AP, or this
   * one with another key, never associates — as a board given the wrong WiFi. Without, any AP
   * a client names is the one in reach.
   */
  ap?: { ssid: string; key: string };
}

export interface VirtualBoard {
  /** The pseudo-terminal a host opens, as it opens /dev/ttyUSB0. */
  port: string;
  /** The board's flash: the folder its files live in, kept across soft resets. */
  flash: string;
  /** Resolves when the board is gone (its pseudo-terminal closed, or the lab tore it down). */
  gone: Promise<string>;
  /** Its RESET (EN) button, as a person's hand on it: see startVirtualBoard. */
  reset: { hold(): void; release(): void };
}

/** Exit codes of harness/board/repl.py: a soft reset from the friendly REPL, from the raw one. */
const SOFT_FRIENDLY = 86;
const SOFT_RAW = 87;

/**
 * A MicroPython unix process behind a pseudo-terminal pair (socat) that behaves like a board's
 * USB serial: a banner, the friendly and the raw REPL with raw paste (harness/board/repl.py,
 * since the unix port's own REPL has no raw mode), Ctrl-C as KeyboardInterrupt, soft reset
 * (Ctrl-D: a fresh interpreter, the flash folder kept) and the profile's heap.
 *
 * Why a MicroPython front end and not a Node one: the code the host sends must run in the
 * board's own interpreter, in its heap, with the agent it starts reading the same stdin —
 * only a REPL inside that interpreter gives that. This Node end only relays bytes, turns
 * Ctrl-C into SIGINT (the unix port's KeyboardInterrupt) and restarts the interpreter on a
 * soft reset. Everything it starts is the lab's, so the reaper removes it whatever happens.
 *
 * `reset` is the board's RESET button. Held, the chip is off while the USB-serial bridge keeps
 * the port: the interpreter is frozen (SIGSTOP) — it reads nothing, prints nothing, and its
 * sockets send nothing, as a board without power sends nothing. Released, the board boots as
 * after a power-up: a new interpreter, its boot noise, boot.py and main.py, its banner at the
 * friendly REPL (the frozen one stays frozen a while longer: see `release`).
 */
export async function startVirtualBoard(lab: Lab, opts: { micropython: string[]; socat: string; spec: VirtualBoardSpec; flash?: string; log?: (line: string) => void }): Promise<VirtualBoard> {
  const flash = opts.flash ?? join(lab.dir, "flash");
  mkdirSync(join(flash, "lib"), { recursive: true });
  const link = join(lab.dir, "tty");
  let ptyName: string | undefined;
  let ptyReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (ptyReady = r));
  const socat = lab.spawn({
    name: "virtual board pty",
    cmd: opts.socat,
    // -d -d says which pseudo-terminal it opened; the other end is this process's stdio.
    args: ["-d", "-d", `PTY,link=${link},raw,echo=0`, "STDIO"],
    stdin: true,
    onLine: (line, stream) => {
      if (stream !== "stderr") return;
      const m = /PTY is (\S+)/.exec(line);
      if (m) {
        ptyName = m[1];
        ptyReady();
      }
    },
  });
  let gone: (why: string) => void = () => undefined;
  const goneP = new Promise<string>((r) => (gone = r));
  void socat.exited.then(({ code, signal }) => gone(`its pseudo-terminal (socat) ended (${signal ?? `code ${code}`})`));
  await Promise.race([ready, socat.exited]);
  if (!ptyName) throw new LabError(`socat opened no pseudo-terminal for the virtual board; it said: ${socat.tail.slice(-3).join(" | ") || "(nothing)"}`);

  socat.child.stdin?.on("error", () => undefined);
  const toHost = (b: Buffer) => {
    const s = socat.child.stdin;
    if (s && !s.destroyed) s.write(b);
  };
  let mpy: OwnedProcess | undefined;
  let held = false;
  let frozen: OwnedProcess | undefined;
  const boot = (mode: "raw" | "friendly", soft: boolean) => {
    if (lab.tornDown || held) return;
    const [cmd, ...pre] = opts.micropython;
    const p = lab.spawn({
      name: `virtual board ${opts.spec.name}`,
      cmd: cmd!,
      args: [...pre, ...(opts.spec.heapKb ? ["-X", `heapsize=${opts.spec.heapKb}k`] : []), repl, mode, opts.spec.banner, ...(soft ? ["soft"] : [])],
      cwd: flash,
      env: {
        ...process.env,
        MICROPYPATH: ".frozen",
        FARADAY_BOARD_NOISE: opts.spec.noise ? "1" : "0",
        ...(opts.spec.ap ? { FARADAY_AP_SSID: opts.spec.ap.ssid, FARADAY_AP_KEY: opts.spec.ap.key } : {}),
      },
      stdin: true,
    });
    p.child.stdin?.on("error", () => undefined); // written to as it died: the bytes are lost, as on a board resetting
    for (const s of [p.child.stdout, p.child.stderr]) s?.on("data", toHost);
    mpy = p;
    void p.exited.then(({ code, signal }) => {
      if (mpy !== p || lab.tornDown || !socat.running) return;
      if (code === SOFT_FRIENDLY || code === SOFT_RAW) return boot(code === SOFT_RAW ? "raw" : "friendly", true);
      // Anything else is a crash: the board reboots as after a power-up.
      opts.log?.(`virtual board: the interpreter ended (${signal ?? `code ${code}`}); rebooting`);
      boot("friendly", false);
    });
  };
  const toBoard = (b: Buffer) => {
    const s = mpy?.child.stdin;
    if (s && !s.destroyed && mpy?.running && !held) s.write(b);
  };
  const reset = {
    hold() {
      if (held) return;
      held = true;
      const p = mpy;
      p?.signal("SIGSTOP");
      // A chip in reset prints nothing: whatever the frozen interpreter had in its pipes stays there.
      for (const s of [p?.child.stdout, p?.child.stderr]) s?.off("data", toHost);
    },
    release() {
      if (!held) return;
      held = false;
      // The frozen interpreter stays frozen: killed now, its host kernel would close its sockets
      // (a FIN the broker reads as the client leaving), which a board without power never sends —
      // the broker must find the connection dead by its keepalive, or see it taken over. It goes
      // at the next release (that connection is long settled by then), or with the lab.
      void frozen?.kill();
      frozen = mpy;
      mpy = undefined;
      boot("friendly", false);
    },
  };
  socat.child.stdout?.on("data", (b: Buffer) => {
    // Ctrl-C is the interrupt character, never data: KeyboardInterrupt in whatever runs.
    let rest = b;
    for (let i = rest.indexOf(3); i >= 0; i = rest.indexOf(3)) {
      if (i > 0) toBoard(rest.subarray(0, i));
      if (!held) mpy?.signal("SIGINT");
      rest = rest.subarray(i + 1);
    }
    if (rest.length) toBoard(rest);
  });
  boot("friendly", false);
  return { port: ptyName, flash, gone: goneP, reset };
}

const repl = join(import.meta.dirname, "..", "..", "harness", "board", "repl.py");

