// The whole serial path, with real processes: `faraday board virtual` (a MicroPython unix
// process behind a socat pseudo-terminal, with its raw-REPL front end) is the board, and
// `faraday run --device serial:<its port>` deploys over the raw REPL, runs the agent over the
// port, and the lab judges, against a real mosquitto through a real Toxiproxy.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { faraday, faradayAsync, privateTmp, processesUnder, readResults } from "./lab.ts";
import { nothingLeftUnder, virtualBoard } from "./virtualBoard.ts";
import { Lab } from "../../src/lab/lab.ts";
import { requireTools } from "../../src/tools/index.ts";
import { startVirtualBoard } from "../../src/serial/virtualBoard.ts";
import { SerialBoard } from "../../src/serial/board.ts";

type Ev = { t: number; src: string; kind: string; [k: string]: unknown };

function timeline(out: string): Ev[] {
  const r = readResults(out) as unknown as { runs: { dir: string }[] };
  return readFileSync(join(out, "latest", r.runs[0]!.dir, "timeline.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Ev);
}

describe("a board on a serial port: the virtual board", () => {
  let board: Awaited<ReturnType<typeof virtualBoard>>;
  beforeAll(async () => {
    // --noise: garbage at every boot and before each program's output, as a ROM log or a noisy line gives.
    board = await virtualBoard(["--noise"]);
  });
  afterAll(async () => {
    board.child.kill("SIGTERM");
    const r = await board.done;
    expect(r.code).toBe(0);
    expect(await nothingLeftUnder(board.tmp)).toEqual([]);
  });

  const run = (args: string[]) => {
    const tmp = privateTmp();
    const out = join(tmp, "reports");
    const r = faraday(["run", ...args, "--device", `serial:${board.port}`, "--protocol", "3.1.1", "--out", out], { tmp });
    return { r, out, tmp };
  };

  it("broker-crash passes for the default client; the first run copies every file, the second none", () => {
    const first = run(["broker-crash"]);
    expect(first.r.code, first.r.stdout + first.r.stderr).toBe(0);
    // One board runs one scenario at a time, whatever the machine could carry.
    expect(first.r.stdout).toMatch(/, parallel 1 \(/);
    expect(readResults(first.out).runs[0]!.verdict).toBe("pass");
    const d1 = timeline(first.out).find((e) => e.kind === "device.deploy")!;
    expect(d1.copied).toEqual(expect.arrayContaining(["faraday_agent.py", "lib/faraday_adapter.py", "lib/aiomqttc.py", "lib/network.py"]));
    expect(processesUnder(first.tmp)).toEqual([]);

    const second = run(["broker-crash"]);
    expect(second.r.code, second.r.stdout + second.r.stderr).toBe(0);
    const d2 = timeline(second.out).find((e) => e.kind === "device.deploy")!;
    expect(d2).toMatchObject({ copied: [], kept: (d1.copied as string[]).length });
  });

  it("back to back with a board profile, a run starts from a fresh interpreter: the second deploys nothing and removes nothing", () => {
    // The first run's agent names the platform after the board (its sys stands in for the
    // port's); were it still in the heap, the next run would read the virtual board as a real
    // ESP8266 and take its shims away — and on an ESP8266-sized heap, find no room to copy.
    const first = run(["ap-loss-short", "--board", "esp8266"]);
    expect(first.r.code, first.r.stdout + first.r.stderr).toBe(0);
    const second = run(["ap-loss-short", "--board", "esp8266"]);
    expect(second.r.code, second.r.stdout + second.r.stderr).toBe(0);
    const d2 = timeline(second.out).find((e) => e.kind === "device.deploy")!;
    expect(d2.copied).toEqual([]);
    expect(d2.removed).toBeUndefined();
  });

  it("runs in parallel on one board are refused in one line, before anything starts", () => {
    const { r } = run(["broker-crash", "reset", "--parallel", "2"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("faraday: --device serial runs 1 scenario at a time (one board, one port): --parallel 1, or leave --parallel out");
  });

  it("garbage before the agent's hello is kept as the device's output and the run goes on", () => {
    const { r, out } = run(["broker-crash"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const tl = timeline(out);
    const hello = tl.findIndex((e) => e.src === "device" && e.kind === "hello");
    expect(hello).toBeGreaterThan(0);
    const before = tl.slice(0, hello).filter((e) => e.src === "device" && e.kind === "log");
    expect(before.some((e) => /[^\x20-\x7e]/.test(String(e.line))), "a garbage line before the hello").toBe(true);
  });

  it("a guided scenario runs unattended: the lab applies the equivalent fault and records the steps", () => {
    const { r, out } = run(["manual-faraday-cage", "--unattended"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const tl = timeline(out);
    expect(tl.filter((e) => e.kind === "manual.done").map((e) => [e.step, e.unattended])).toEqual([
      ["cage.begin", true],
      ["cage.end", true],
    ]);
    expect(tl.some((e) => e.src === "fault" && e.kind === "start" && e.fault === "apLoss")).toBe(true);
  });
});

describe("the virtual board behaves like a board's USB serial", () => {
  it("banner and friendly prompt; raw REPL; soft reset is a fresh heap with the files kept", async () => {
    const tools = await requireTools();
    const lab = new Lab("virtual-board-serial");
    try {
      const vb = await startVirtualBoard(lab, { micropython: tools.micropython.argv, socat: tools.found.socat!.path, spec: { name: "esp32", banner: "MicroPython v1.22.1 on 2024-01-05; Generic ESP32 module with ESP32" } });
      const board = await SerialBoard.open(vb.port, 115_200);
      const { repl } = board;
      // Friendly REPL: Ctrl-B prints the banner and the prompt, as after a reset.
      const link = (b: string) => repl.write(b);
      link("\x02");
      await repl.readUntil('Generic ESP32 module with ESP32\r\nType "help()" for more information.\r\n>>> ', 5000, "the banner");
      await repl.enter();
      expect(await repl.exec("x = 41\nopen('kept.txt', 'w').write('yes')\nprint(x + 1)")).toBe("42\n");
      await repl.softReset();
      expect(await repl.exec("import os\ntry:\n print(x)\nexcept NameError:\n print('fresh heap')\nprint(open('kept.txt').read())")).toBe("fresh heap\nyes\n");
      // Ctrl-D in the friendly REPL is a soft reset too.
      link("\x02");
      await repl.readUntil(">>> ", 5000, "the friendly prompt");
      link("\x04");
      await repl.readUntil("MPY: soft reboot\r\n", 5000, "a soft reboot from the friendly REPL");
      await board.close();
    } finally {
      await lab.teardown();
    }
  });
});

describe("a virtual board killed mid-run", () => {
  it("makes the run an error naming the board's loss, and leaves nothing running", async () => {
    const board = await virtualBoard();
    const tmp = privateTmp();
    const out = join(tmp, "reports");
    const runner = faradayAsync(["run", "broker-crash", "--device", `serial:${board.port}`, "--protocol", "3.1.1", "--out", out], tmp);
    // Pull the plug once the client is up (the run is under way on the board).
    await new Promise<void>((resolve) => {
      const look = () => {
        if (/client up/.test(runner.out())) {
          runner.child.stdout.off("data", look);
          resolve();
        }
      };
      runner.child.stdout.on("data", look);
    });
    board.child.kill("SIGKILL");
    const r = await runner.done;
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(new RegExp(`ERROR .*the board on ${board.port} went away`));
    const res = readResults(out).runs[0]!;
    expect(res.verdict).toBe("error");
    expect(res.reason).toMatch(/went away/);
    expect(await nothingLeftUnder(board.tmp)).toEqual([]);
    expect(processesUnder(tmp)).toEqual([]);
  });
});
