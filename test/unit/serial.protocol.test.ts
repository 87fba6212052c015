import { describe, expect, it } from "vitest";
import { PassThrough } from "node:stream";
import { agentStream, lastLine } from "../../src/serial/board.ts";
import { RawRepl } from "../../src/serial/rawRepl.ts";
import { changedFiles, parseManifest, sha256 } from "../../src/serial/deploy.ts";
import { describePort } from "../../src/tools/serialPorts.ts";
import { terminalBench } from "../../src/scenario/bench.ts";
import { Timeline } from "../../src/timeline/timeline.ts";

/** What a board sends once the agent runs, fed in the chunks given. */
function feed(chunks: (string | number[])[]) {
  const lines: [string, string][] = [];
  const ends: number[] = [];
  const take = agentStream((l, s) => lines.push([l, s]), (c) => ends.push(c));
  for (const c of chunks) take(typeof c === "string" ? Buffer.from(c, "utf8") : Buffer.from(c));
  return { lines, ends };
}

describe("the agent's stream over a serial port", () => {
  it("garbage before the hello is a line of its own, and the hello after it is whole", () => {
    const { lines, ends } = feed([[0x00, 0xe0, 0x1f, 0x72, 0x8c, 0x0d, 0x0a], '{"ev":"hel', 'lo","t":1}\r\n{"ev":"hb","t":2}\n']);
    expect(lines.map((l) => l[0])).toEqual(["\u0000\ufffd\u001fr\ufffd", '{"ev":"hello","t":1}', '{"ev":"hb","t":2}']);
    expect(ends).toEqual([]);
  });
  it("the raw REPL's end markers: output, \\x04, the traceback, \\x04, the prompt — exit 1 with a traceback", () => {
    const { lines, ends } = feed(['{"ev":"ack","t":3}\r\n\x04Traceback (most recent call last):\r\nMemoryError: memory allocation failed\r\n\x04', ">"]);
    expect(lines).toEqual([
      ['{"ev":"ack","t":3}', "stdout"],
      ["Traceback (most recent call last):", "stderr"],
      ["MemoryError: memory allocation failed", "stderr"],
    ]);
    expect(ends).toEqual([1]);
  });
  it("a program that returned cleanly ends with 0, once", () => {
    const { ends } = feed(["bye\r\n\x04\x04>", ">"]);
    expect(ends).toEqual([0]);
  });
  it("a board that reboots under the agent (crash, watchdog, brown-out) has ended it", () => {
    for (const reboot of ["MPY: soft reboot\r\n", "ets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x13\r\n", 'MicroPython v1.22.1 on 2024-01-05; Generic ESP32 module with ESP32\r\nType "help()" for more information.\r\n>>> ']) {
      const { lines, ends } = feed(['{"ev":"hb","t":9}\r\n', reboot, '{"ev":"hb","t":10}\r\n']);
      expect(ends, reboot).toEqual([1]);
      expect(lines[0]).toEqual(['{"ev":"hb","t":9}', "stdout"]);
      expect(lines.some((l) => l[0] === '{"ev":"hb","t":10}'), "nothing after the reboot is the agent's").toBe(false);
    }
  });
  it("UTF-8 split across chunks stays one character", () => {
    const euro = Buffer.from("€\n");
    const { lines } = feed([[...euro.subarray(0, 2)], [...euro.subarray(2)]]);
    expect(lines).toEqual([["€", "stdout"]]);
  });
  it("lastLine takes a command's answer after a noisy line", () => {
    expect(lastLine("\u0000\ufffd\r\nlinux\r\n")).toBe("linux");
  });
});

/** A scripted board: each write the host makes is answered by `reply` (hand-written bytes). */
function scripted(reply: (written: Buffer) => string | undefined) {
  const written: Buffer[] = [];
  let repl!: RawRepl;
  repl = new RawRepl({
    write: (b) => {
      const buf = Buffer.isBuffer(b) ? b : Buffer.from(b, "latin1");
      written.push(buf);
      const r = reply(buf);
      if (r !== undefined) queueMicrotask(() => repl.push(Buffer.from(r, "latin1")));
    },
  });
  return { repl, written };
}

describe("the raw REPL's host end", () => {
  it("enters raw mode through a ROM banner and garbage", async () => {
    const { repl } = scripted((w) => (w.toString("latin1") === "\r\x01" ? "ets Jun  8 2016 00:22:57\r\n\x8c\xe2rst:0x1\r\nraw REPL; CTRL-B to exit\r\n>" : undefined));
    await expect(repl.enter(2000)).resolves.toBeUndefined();
  });
  it("raw paste: sends no more than the window the board granted, and the output comes back", async () => {
    const sent: number[] = [];
    const { repl } = scripted((w) => {
      const s = w.toString("latin1");
      if (s === "\x05A\x01") return "R\x01\x04\x00\x01"; // window 4, and a second window at once
      if (s === "\x04") return "\x04hi\r\n\x04\x04>";
      sent.push(w.length);
      return sent.reduce((a, b) => a + b, 0) % 4 === 0 ? "\x01" : undefined;
    });
    await expect(repl.exec("print('hi')")).resolves.toBe("hi\r\n");
    expect(sent.every((n) => n <= 8)).toBe(true);
    expect(sent.reduce((a, b) => a + b, 0)).toBe("print('hi')".length);
  });
  it("a board without raw paste gets the plain raw REPL, and its exception is the error", async () => {
    const { repl } = scripted((w) => {
      const s = w.toString("latin1");
      if (s === "\x05A\x01") return "R\x00>";
      if (s === "\x04") return "OK\x04Traceback (most recent call last):\r\nZeroDivisionError: divide by zero\r\n\x04>";
      return undefined;
    });
    await expect(repl.exec("1/0")).rejects.toThrow(/failed on the board: ZeroDivisionError: divide by zero/);
  });
  it("a board that goes away ends every wait with the reason", async () => {
    const { repl } = scripted(() => undefined);
    const waiting = repl.readUntil(">", 60_000, "waiting for the prompt");
    repl.close("the board on /dev/ttyUSB0 went away (the port closed)");
    await expect(waiting).rejects.toThrow("waiting for the prompt: the board on /dev/ttyUSB0 went away (the port closed)");
  });
});

describe("deployment: only what changed", () => {
  const a = { path: "lib/a.py", data: Buffer.from("A = 1\n") };
  const b = { path: "faraday_agent.py", data: Buffer.from("agent\n") };
  it("reads the board's manifest, noise and all", () => {
    const m = parseManifest(`\u0000\ufffd\r\n${sha256(a.data)} lib/a.py\n${"0".repeat(64)} faraday_agent.py\n`);
    expect(m.get("lib/a.py")).toBe(sha256(a.data));
    expect(changedFiles([a, b], m).map((f) => f.path)).toEqual(["faraday_agent.py"]);
  });
  it("an empty board needs everything, a deployed one nothing", () => {
    expect(changedFiles([a, b], new Map()).map((f) => f.path)).toEqual(["lib/a.py", "faraday_agent.py"]);
    expect(changedFiles([a, b], new Map([a, b].map((f) => [f.path, sha256(f.data)])))).toEqual([]);
  });
});

describe("doctor's serial ports", () => {
  it("names the common boards' USB chips by their ids", () => {
    expect(describePort({ path: "/dev/ttyUSB0", vendorId: "10C4", productId: "EA60" })).toMatch(/^Silicon Labs CP210x .*\(10c4:ea60\)$/);
    expect(describePort({ path: "/dev/ttyUSB1", vendorId: "1a86", productId: "7523" })).toMatch(/^WCH CH340/);
    expect(describePort({ path: "/dev/ttyACM0", vendorId: "303a", productId: "1001" })).toMatch(/^Espressif native USB/);
    expect(describePort({ path: "/dev/ttyACM1", vendorId: "2e8a", productId: "0005" })).toMatch(/^Raspberry Pi RP2 running MicroPython/);
    expect(describePort({ path: "/dev/ttyUSB2", vendorId: "0403", productId: "6001" })).toMatch(/^FTDI/);
    expect(describePort({ path: "/dev/ttyS0" })).toBeUndefined();
  });
});

describe("a guided step at the terminal", () => {
  it("shows the step, waits for Enter, and puts both moments on the timeline", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const shown: string[] = [];
    output.on("data", (d: Buffer) => shown.push(d.toString()));
    const tl = new Timeline();
    const done = terminalBench(input, output).confirm(tl, "ap.begin", "Switch the WiFi access point off", new AbortController().signal);
    await new Promise((r) => setImmediate(r));
    expect(tl.events.map((e) => e.kind)).toEqual(["manual.prompt"]);
    input.write("\n");
    await done;
    expect(tl.events.map((e) => [e.kind, e.step])).toEqual([
      ["manual.prompt", "ap.begin"],
      ["manual.done", "ap.begin"],
    ]);
    expect(shown.join("")).toContain("Switch the WiFi access point off");
  });
  it("ends at once when the run is torn down", async () => {
    const abort = new AbortController();
    const done = terminalBench(new PassThrough(), new PassThrough()).confirm(new Timeline(), "cage.end", "Open the box", abort.signal);
    abort.abort();
    await expect(done).rejects.toThrow("interrupted");
  });
});
