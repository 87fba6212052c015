// `faraday board virtual|list`: a board to run against without hardware, and the board
// profiles --board takes.
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { InputError, LabError, oneLine } from "../lab/errors.ts";
import { Lab } from "../lab/lab.ts";
import { clip } from "../report/safeText.ts";
import { boardHeapKb, boardProfiles, loadBoardProfile, unixHeapKb } from "../boards/profile.ts";
import { startVirtualBoard } from "../serial/virtualBoard.ts";
import { helpText } from "./help.ts";
import { parseCommand } from "./options.ts";
import { wasInterrupted } from "./signals.ts";

export async function boardCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    console.log(helpText());
    return sub === undefined ? 2 : 0;
  }
  if (sub === "list") {
    if (parseCommand("board list", rest, { help: { type: "boolean", short: "h" } }).values.help) return usage();
    for (const line of boardLines()) console.log(line);
    return 0;
  }
  if (sub !== "virtual") throw new InputError(`unknown subcommand "${clip(sub, 60)}" of faraday board (virtual, list; e.g. faraday board virtual --board esp32)`);
  const { values } = parseCommand("board virtual", rest, { board: { type: "string" }, flash: { type: "string" }, noise: { type: "boolean" }, ap: { type: "string" }, "ap-password": { type: "string" }, help: { type: "boolean", short: "h" } });
  if (values["ap-password"] !== undefined && values.ap === undefined) throw new InputError("--ap-password goes with --ap <ssid>: the virtual board's access point");
  if (values.help) return usage();
  // No --board: the generic board, with the unix port's own heap as the unix device runs. A
  // profile's heap is scaled to the 64-bit port as the unix device scales it (unixHeapKb).
  const profile = loadBoardProfile(values.board ?? "generic");
  // On a board the REPL is C outside the heap; here it is harness/board/repl.py, in it: its
  // measured cost (5.4 KB) is added, so the agent finds the heap the unix device gives it.
  const boardKb = unixHeapKb(profile);
  const heapKb = boardKb === undefined ? undefined : boardKb + REPL_KB;
  const { requireTools } = await import("../tools/index.ts");
  const tools = await requireTools().catch((err: unknown) => {
    throw new LabError(oneLine(err));
  });
  const socat = tools.found.socat?.path;
  if (!socat) throw new LabError("the virtual board needs socat for its pseudo-terminal — run: npx faraday setup (or: sudo apt-get install socat)");
  const lab = new Lab(`board-${profile.name}`);
  const board = await startVirtualBoard(lab, {
    micropython: tools.micropython.argv,
    socat,
    spec: {
      name: profile.name,
      banner: profile.banner,
      ...(heapKb !== undefined ? { heapKb } : {}),
      noise: values.noise ?? profile.reset.bootNoise,
      // A pretend AP for trying --wifi-ssid: its password may go on this command line.
      ...(values.ap !== undefined ? { ap: { ssid: values.ap, key: values["ap-password"] ?? "" } } : {}),
    },
    ...(values.flash !== undefined ? { flash: resolve(values.flash) } : {}),
    log: (l) => console.error(`faraday: ${l}`),
  });
  // The port alone on stdout, so a script can take it; the rest for the person.
  console.log(board.port);
  console.error(
    `faraday: virtual ${profile.name} board on ${board.port} (heap ${heapKb !== undefined ? `${heapKb} KB` : "the unix port's"}, flash ${values.flash !== undefined ? resolve(values.flash) : "a temporary folder"}); ` +
      `run against it with: faraday run <scenario> --device serial:${board.port} — Ctrl-C ends it`,
  );
  // Its RESET button, for a person trying the guided board power cycle without hardware.
  if (process.stdin.isTTY) {
    let held = false;
    console.error("faraday: press Enter here to hold its RESET button (the board is off), Enter again to let go");
    const keys = createInterface({ input: process.stdin, terminal: false });
    keys.on("line", () => {
      held = !held;
      if (held) board.reset.hold();
      else board.reset.release();
      console.error(held ? "faraday: RESET held: the board is off" : "faraday: RESET let go: the board boots");
    });
    void board.gone.then(() => keys.close());
  }
  const why = await board.gone;
  await lab.teardown();
  if (wasInterrupted()) return 0;
  console.error(`faraday: the virtual board ended by itself: ${why}`);
  return 2;
}

/** One line per board profile: its name, what it is, its heap and whether the client goes precompiled. */
export function boardLines(): string[] {
  const names = boardProfiles();
  const w = Math.max(...names.map((n) => n.length)) + 2;
  return names.map((n) => {
    const b = loadBoardProfile(n);
    const heap = boardHeapKb(b);
    return `${n.padEnd(w)}${b.title} — ${heap !== undefined ? `heap ${heap} KB` : "no heap limit"}, ${b.baud} baud${b.needsMpy ? ", client precompiled (.mpy)" : ""}`;
  });
}

/** What harness/board/repl.py takes of the heap, in KB (measured: 72 832 bytes free at 73 KB with no script, 67 264 at its raw prompt). */
const REPL_KB = 6;

function usage(): number {
  console.log(helpText());
  return 0;
}
