// A guided board power cycle on the virtual board, with a test in the person's place: it holds
// the board's RESET (the virtual board's button: the interpreter frozen, the port kept) and
// presses Enter at the same terminal bench a person gets (terminalBench on streams), then lets
// go and presses Enter again. Real MicroPython, mosquitto and Toxiproxy, through the real
// runner. The power must be recorded off when the person says it went — not when it comes back —
// and the run's verdicts must be those of the same scenario run unattended.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { Lab } from "../../src/lab/lab.ts";
import { requireTools, type Toolchain } from "../../src/tools/index.ts";
import { startVirtualBoard, type VirtualBoard } from "../../src/serial/virtualBoard.ts";
import { serialDevice } from "../../src/devices/serial.ts";
import { resolveClient } from "../../src/devices/clients.ts";
import { mosquitto } from "../../src/brokers/mosquitto.ts";
import { runOne, type RunResult } from "../../src/scenario/runner.ts";
import { terminalBench, type Bench } from "../../src/scenario/bench.ts";
import { loadBoardProfile } from "../../src/boards/profile.ts";
import boardPowerCycle from "../../scenarios/manual/board-power-cycle.ts";
import { privateTmp, processesUnder } from "./lab.ts";

type Ev = { t: number; src: string; kind: string; [k: string]: unknown };

/** The person at the bench: does what each prompt says to the virtual board, then presses Enter. */
function person(board: VirtualBoard): { bench: Bench; said: string[] } {
  const keys = new PassThrough();
  const said: string[] = [];
  const screen = new Writable({
    write(chunk: Buffer, _enc, done) {
      const text = chunk.toString();
      said.push(text);
      if (/Press and hold the board's RESET/.test(text)) board.reset.hold();
      else if (/Let go of the RESET button/.test(text)) board.reset.release();
      if (/▶/.test(text)) setImmediate(() => keys.write("\n"));
      done();
    },
  });
  return { bench: terminalBench(keys, screen), said };
}

function timeline(r: RunResult): Ev[] {
  return readFileSync(join(r.dir, "timeline.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Ev);
}

const verdicts = (r: RunResult) => Object.fromEntries(r.checks.map((c) => [c.name, c.verdict]));

describe("a guided board power cycle on the virtual board", () => {
  let tools: Toolchain;
  let lab: Lab;
  let board: VirtualBoard;
  beforeAll(async () => {
    tools = await requireTools();
    lab = new Lab("virtual-board-guided");
    const esp32 = loadBoardProfile("esp32");
    // Boot noise, as the ESP32's ROM log: the relaunch after the reset must skip it.
    board = await startVirtualBoard(lab, { micropython: tools.micropython.argv, socat: tools.found.socat!.path, spec: { name: esp32.name, banner: esp32.banner, noise: true } });
    // The board's own application, which a power-up starts: the relaunch must interrupt it.
    writeFileSync(join(board.flash, "main.py"), "import time\nwhile True:\n    print('application running')\n    time.sleep_ms(100)\n");
  });
  afterAll(async () => {
    await lab.teardown();
    expect(processesUnder(lab.dir)).toEqual([]);
  });

  const run = (bench?: Bench) =>
    runOne({
      scenario: boardPowerCycle,
      client: resolveClient("aiomqttc", undefined, (m) => tools.clients[m]),
      device: serialDevice.make(tools, { arg: board.port }),
      broker: mosquitto({ bin: tools.mosquitto.path, durable: true }),
      protocol: "3.1.1",
      dir: join(privateTmp(), "run"),
      seed: 1,
      toxiproxyBin: tools.toxiproxy.path,
      ...(bench ? { bench } : {}),
    });

  it("records the power off and the agent's end at the person's first Enter, and judges as the unattended run", async () => {
    const p = person(board);
    const guided = await run(p.bench);
    const tl = timeline(guided);
    const failures = tl.filter((e) => e.src === "lab" && (e.kind === "error" || e.kind === "expectation.failed"));
    expect(failures, JSON.stringify(failures)).toEqual([]);
    expect(p.said.filter((s) => s.includes("▶"))).toHaveLength(2);

    const begin = tl.find((e) => e.kind === "manual.done" && e.step === "power.begin")!;
    const end = tl.find((e) => e.kind === "manual.done" && e.step === "power.end")!;
    expect(begin.unattended).toBeUndefined();
    expect(begin.t).toBeLessThan(end.t);
    const powers = tl.filter((e) => e.src === "lab" && e.kind === "device.power");
    expect(powers.map((e) => [e.on, e.byHand])).toEqual([
      [false, true],
      [true, undefined],
    ]);
    const [off, on] = powers as [Ev, Ev];
    // Off between the two confirmations — at the first — and on after the second.
    expect(off.t).toBeGreaterThanOrEqual(begin.t);
    expect(off.t).toBeLessThan(end.t);
    expect(on.t).toBeGreaterThanOrEqual(end.t);
    // The agent ended once, when the power went, by the person's word; nothing was sent to the
    // board while it was off, and none of what it printed while booting became an agent event.
    const stopping = tl.find((e) => e.kind === "device.stopping")!;
    const exits = tl.filter((e) => e.src === "device" && e.kind === "exit" && e.t < stopping.t);
    expect(exits).toHaveLength(1);
    expect(exits[0]!.t).toBeGreaterThanOrEqual(off.t);
    expect(exits[0]!.t).toBeLessThan(end.t);
    expect(String(exits[0]!.note)).toMatch(/by the person's word/);
    expect(tl.filter((e) => e.src === "device" && e.t > exits[0]!.t && e.t < on.t)).toEqual([]);
    expect(tl.filter((e) => e.src === "device" && e.kind === "log" && /Generic ESP32 module|Type "help\(\)"|application running/.test(String(e.line)))).toEqual([]);
    expect(tl.filter((e) => e.src === "device" && e.kind === "hello")).toHaveLength(2);
    // A board without power sends nothing, not even a FIN: the broker never hears the old
    // connection close before the booted client connects again (it takes that one over).
    const brokerSays = (re: RegExp) => (e: Ev) => e.src === "broker" && e.kind === "log" && re.test(String(e.line)) && !/faraday-(observer|probe)-/.test(String(e.line));
    const again = tl.find((e) => e.t > on.t && brokerSays(/New client connected/)(e))!;
    expect(again).toBeDefined();
    expect(tl.filter((e) => e.t > off.t && e.t < again.t && brokerSays(/closed its connection/)(e))).toEqual([]);

    const unattended = await run();
    const utl = timeline(unattended);
    expect(utl.filter((e) => e.kind === "manual.done").every((e) => e.unattended === true)).toBe(true);
    expect({ verdict: guided.verdict, checks: verdicts(guided) }).toEqual({ verdict: unattended.verdict, checks: verdicts(unattended) });
    expect(guided.verdict).toBe("pass");
  }, 300_000);
});
