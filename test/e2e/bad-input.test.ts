import { describe, expect, it } from "vitest";
import { createServer } from "node:net";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { faraday, privateTmp, processesUnder, repo, type CliResult } from "./lab.ts";

/** Each bad input: exit 2, one line on stderr that says what is wrong, nothing left running. */
function expectOneLineError(r: { code: number | null; stderr: string }, pattern: RegExp) {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

describe("bad input gets one clear line and exit 2", () => {
  it("an unknown scenario names the known ones", () => {
    expectOneLineError(faraday(["run", "brokr-crash"]), /unknown scenario "brokr-crash" \(known: .*broker-crash/);
  });
  it("an unknown client names the known ones", () => {
    expectOneLineError(faraday(["run", "broker-crash", "--client", "nope"]), /unknown client "nope" \(known: .*aiomqttc/);
  });
  it("a --client-path without the client's package says what it expected", () => {
    const empty = mkdtempSync(join(tmpdir(), "faraday-empty-"));
    expectOneLineError(faraday(["run", "broker-crash", "--client", "mqtt_as", "--client-path", empty]), /does not hold the mqtt_as package \(expected .*mqtt_as\/__init__\.py/);
  });
  it("mqtt_as without any --client-path asks for one", () => {
    expectOneLineError(faraday(["run", "broker-crash", "--client", "mqtt_as"], { env: { FARADAY_CLIENT_PATH: "" } }), /needs --client-path/);
  });
  it("a protocol other than 3.1.1 or 5", () => {
    expectOneLineError(faraday(["run", "broker-crash", "--protocol", "4.0"]), /unknown protocol "4.0" \(use 3.1.1, 5 or all\)/);
  });
  it("an unknown command", () => {
    expectOneLineError(faraday(["frobnicate"]), /unknown command "frobnicate"/);
  });
  it("a missing tool names it and the command that fixes it", () => {
    const r = faraday(["run", "broker-crash", "--device", "node"], { env: { FARADAY_TOOLS: mkdtempSync(join(tmpdir(), "faraday-notools-")), PATH: "/usr/bin:/bin" } });
    expectOneLineError(r, /toxiproxy-server.* not found — run: npx faraday setup/);
  });
  it("a busy broker port is named, the run is an error, and nothing is left running", async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const port = (srv.address() as { port: number }).port;
    const tmp = privateTmp();
    const out = join(tmp, "reports");
    const r = faraday(["run", "broker-crash", "--device", "node", "--protocol", "5", "--broker-port", String(port), "--out", out], { tmp });
    srv.close();
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(new RegExp(`ERROR .* port ${port} for mosquitto is busy`));
    expect(processesUnder(tmp)).toEqual([]);
  });
});

describe("a serial port with no board on it", () => {
  it("is one line naming the port, exit 2, before anything starts, and nothing left running", async () => {
    const tmp = privateTmp();
    const link = join(tmp, "not-a-board");
    // A pseudo-terminal that only echoes, as a modem or another device's console might.
    const socat = spawn("socat", [`PTY,link=${link},raw,echo=0`, "EXEC:cat"], { stdio: "ignore" });
    try {
      for (let i = 0; i < 100 && !existsSync(link); i++) await new Promise((r) => setTimeout(r, 50));
      const r = faraday(["run", "broker-crash", "--device", `serial:${link}`, "--out", join(tmp, "reports")], { tmp });
      expectOneLineError(r, new RegExp(`^faraday: ${link} is not a MicroPython board: no raw REPL answered within \\d+ ms`));
      expect(existsSync(join(tmp, "reports"))).toBe(false);
    } finally {
      socat.kill();
    }
    expect(processesUnder(tmp).filter((p) => !p.includes("socat"))).toEqual([]);
  });
});

describe("a device that crashes at import", () => {
  it("is a lab error with the device's own last words, exit 2, nothing left running", () => {
    const client = mkdtempSync(join(tmpdir(), "faraday-crashing-client-"));
    writeFileSync(join(client, "faraday-client.json"), JSON.stringify({ name: "crashing", protocols: ["3.1.1"], unsupported: {} }));
    writeFileSync(join(client, "faraday_adapter.py"), "import crashing_client_that_does_not_exist\n");
    const tmp = privateTmp();
    const r = faraday(["run", "broker-crash", "--client-path", client, "--protocol", "3.1.1", "--out", join(tmp, "reports")], { tmp });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/ERROR .*device dev1 exited .* before its agent said hello; last output: .*ImportError: no module named 'crashing_client_that_does_not_exist'/);
    expect(processesUnder(tmp)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Issue 10 item 6: every bad input is one line and exit 2, with nothing left running and
// nothing lost (the reports folder, its runs and its `latest` link exactly as they were).

/** A reports folder holding one earlier invocation, which a bad input must leave alone. */
function reportsWithHistory(root: string): string {
  const out = join(root, "reports");
  mkdirSync(join(out, "20260101T000000-earlier"), { recursive: true });
  writeFileSync(join(out, "20260101T000000-earlier", "results.json"), '{"runs": []}\n');
  symlinkSync("20260101T000000-earlier", join(out, "latest"));
  return out;
}

/** Everything under `dir`, for "nothing lost, nothing added". */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isSymbolicLink()) out.push(`${r} -> ${readlinkSync(join(d, e.name))}`);
      else if (e.isDirectory()) {
        out.push(`${r}/`);
        walk(join(d, e.name), r);
      } else out.push(r);
    }
  };
  walk(dir, "");
  return out.sort();
}

/** A folder client with this faraday-client.json (text as given) and an adapter. */
function folderClient(root: string, name: string, manifest: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "faraday-client.json"), manifest);
  writeFileSync(join(dir, "faraday_adapter.py"), "raise SystemExit('never started')\n");
  return dir;
}

/** Root cannot be refused a write by permissions: run that case as nobody. */
const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;

/**
 * The CLI, optionally as another user (for the permission case, with a TMPDIR that user can
 * write). A hang is killed with SIGKILL and fails the case: a CLI spinning in a synchronous
 * call (as `--out /proc/x` once did) never runs its SIGTERM handler.
 */
function cli(args: string[], tmp: string, uid?: number): CliResult {
  const r = spawnSync(process.execPath, [join(repo, "bin", "faraday.mjs"), ...args], {
    cwd: repo,
    env: { ...process.env, TMPDIR: tmp, ...(uid !== undefined ? { HOME: tmp } : {}) },
    encoding: "utf8",
    timeout: 60_000,
    killSignal: "SIGKILL",
    ...(uid !== undefined ? { uid, gid: uid } : {}),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface BadInput {
  what: string;
  /** The arguments, given a scratch folder and a reports folder with history. */
  args: (scratch: string, out: string) => string[];
  stderr: RegExp;
  /** Run as nobody (only when the tests run as root). */
  unprivileged?: boolean;
}

const BAD_INPUTS: BadInput[] = [
  { what: "a mistyped option", args: (_, out) => ["run", "broker-crash", "--protocl", "5", "--out", out], stderr: /^faraday: unknown option --protocl \(did you mean --protocol\?\)$/ },
  { what: "an unknown option", args: (_, out) => ["run", "broker-crash", "--bogus", "--out", out], stderr: /^faraday: unknown option --bogus \(options of faraday run: --suite, .*--protocol.*; see faraday run --help\)$/ },
  { what: "an option without its value", args: (_, out) => ["run", "--out", out, "--suite"], stderr: /^faraday: --suite wants a value: --suite <name>/ },
  { what: "an option whose value is the next option", args: (_, out) => ["run", "--suite", "--protocol", "5", "--out", out], stderr: /^faraday: --suite wants a value/ },
  { what: "an empty --out", args: () => ["run", "broker-crash", "--out="], stderr: /^faraday: --out wants a value: --out <dir>$/ },
  { what: "a value for a switch", args: () => ["run", "broker-crash", "--help=yes"], stderr: /^faraday: --help takes no value$/ },
  { what: "an unknown option of list", args: () => ["list", "--bogus"], stderr: /^faraday: unknown option --bogus \(options of faraday list: --suite; see faraday list --help\)$/ },
  { what: "words list matches nowhere", args: () => ["list", "everything-and-nothing"], stderr: /^faraday: no scenario matches "everything-and-nothing"$/ },
  { what: "an unknown suite for list", args: () => ["list", "--suite", "nope"], stderr: /^faraday: unknown suite "nope" \(suites: default, / },
  { what: "an unknown option of check", args: (_, out) => ["check", "--bogus", join(out, "latest")], stderr: /^faraday: unknown option --bogus \(faraday check takes no options/ },
  { what: "an unknown option of setup", args: () => ["setup", "--quite"], stderr: /^faraday: unknown option --quite \(did you mean --quiet\?\)$/ },
  { what: "an unknown option of doctor", args: () => ["doctor", "--fix"], stderr: /^faraday: unknown option --fix \(faraday doctor takes no options/ },
  { what: "--device serial without its port", args: (_, out) => ["run", "broker-crash", "--device", "serial", "--out", out], stderr: /^faraday: --device serial wants <port>: --device serial:<port>$/ },
  { what: "a serial port that is not there", args: (_, out) => ["run", "broker-crash", "--device", "serial:/dev/faraday-no-such-port", "--out", out], stderr: /^faraday: no serial port \/dev\/faraday-no-such-port here \(faraday doctor lists the ports it sees/ },
  { what: "a --host-address that is not an address", args: (_, out) => ["run", "broker-crash", "--host-address", "my-laptop", "--out", out], stderr: /^faraday: --host-address wants the IP address the device reaches this machine at/ },
  { what: "an unknown board profile", args: () => ["board", "virtual", "--board", "nope"], stderr: /^faraday: unknown board "nope" \(boards: .*generic/ },
  { what: "a guided scenario with no terminal and no --unattended", args: (_, out) => ["run", "manual-faraday-cage", "--out", out], stderr: /^faraday: manual-faraday-cage has steps only a person can do and there is no terminal to ask: .*--unattended/ },
  { what: "protocol 4 (MQTT 3.1.1's level number)", args: (_, out) => ["run", "broker-crash", "--protocol", "4", "--out", out], stderr: /^faraday: unknown protocol "4" \(use 3\.1\.1, 5 or all\)$/ },
  {
    what: "an --out under a regular file",
    args: (scratch) => (writeFileSync(join(scratch, "a-file"), "x"), ["run", "broker-crash", "--out", join(scratch, "a-file", "reports")]),
    stderr: /^faraday: --out .*\/a-file\/reports: .*\/a-file is a file$/,
  },
  {
    what: "an --out that is a regular file",
    args: (scratch) => (writeFileSync(join(scratch, "b-file"), "x"), ["run", "broker-crash", "--out", join(scratch, "b-file")]),
    stderr: /^faraday: --out .*\/b-file: .*\/b-file is a file$/,
  },
  {
    what: "an --out without permission",
    args: (scratch) => {
      chmodSync(scratch, 0o755); // the way in is open, the folder itself is not writable
      mkdirSync(join(scratch, "locked"));
      chmodSync(join(scratch, "locked"), 0o555);
      return ["run", "broker-crash", "--out", join(scratch, "locked", "reports")];
    },
    stderr: /^faraday: --out .*\/locked\/reports: .*\/locked is not writable \(no permission\)$/,
    unprivileged: true,
  },
  { what: "an --out under /proc (once a 100 % CPU hang)", args: () => ["run", "broker-crash", "--out", "/proc/x"], stderr: /^faraday: --out \/proc\/x is under \/proc, which holds no files of ours: choose an ordinary folder$/ },
  { what: "an --out deep under /proc", args: () => ["run", "broker-crash", "--out", "/proc/self/x/y"], stderr: /^faraday: --out \/proc\/self\/x\/y is under \/proc/ },
  { what: "an --out under /sys", args: () => ["run", "broker-crash", "--out", "/sys/x"], stderr: /^faraday: --out \/sys\/x is under \/sys/ },
  { what: "an --out under /dev", args: () => ["run", "broker-crash", "--out", "/dev/faraday-x"], stderr: /^faraday: --out \/dev\/faraday-x is under \/dev/ },
  {
    what: "an --out through a link into /proc",
    args: (scratch) => (symlinkSync("/proc", join(scratch, "to-proc")), ["run", "broker-crash", "--out", join(scratch, "to-proc", "x")]),
    stderr: /^faraday: --out .*\/to-proc\/x leads to \/proc, under \/proc/,
  },
  {
    what: "a manifest that is not JSON",
    args: (scratch, out) => ["run", "broker-crash", "--out", out, "--client-path", folderClient(scratch, "broken-json", '{"name": "x",\n "protocols": ["3.1.1"],, }')],
    stderr: /^faraday: .*\/broken-json\/faraday-client\.json: not valid JSON — .* at line 2 column \d+$/,
  },
  {
    what: "a manifest without its unsupported list",
    args: (scratch, out) => ["run", "broker-crash", "--out", out, "--client-path", folderClient(scratch, "incomplete", '{"name": "incomplete", "protocols": ["3.1.1"]}')],
    stderr: /^faraday: .*\/incomplete\/faraday-client\.json: \/unsupported is missing \(required\)$/,
  },
  {
    what: "a manifest with an unknown protocol",
    args: (scratch, out) => ["run", "broker-crash", "--out", out, "--client-path", folderClient(scratch, "proto", '{"name": "proto", "protocols": ["4"], "unsupported": {}}')],
    stderr: /^faraday: .*\/proto\/faraday-client\.json: \/protocols\/0 must be one of 3\.1\.1, 5 \(not "4"\)$/,
  },
  {
    what: "a manifest whose name would leave --out",
    args: (scratch, out) => ["run", "broker-crash", "--out", out, "--client-path", folderClient(scratch, "escape", '{"name": "../../escaped", "protocols": ["3.1.1"], "unsupported": {}}')],
    stderr: /^faraday: .*\/escape\/faraday-client\.json: \/name "\.\.\/\.\.\/escaped" must match \^\[A-Za-z0-9\]\[A-Za-z0-9\._-\]\*\$ \(one plain folder name: it names the run folders\)$/,
  },
  {
    what: "a client name that is a path",
    args: (_, out) => ["run", "broker-crash", "--out", out, "--client", "../../package"],
    stderr: /^faraday: unknown client "\.\.\/\.\.\/package" \(known: /,
  },
  {
    what: "--client-path with --device node",
    args: (scratch, out) => ["run", "broker-crash", "--device", "node", "--out", out, "--client-path", scratch],
    stderr: /^faraday: --client-path names a MicroPython client's folder, and --device node runs the MQTT\.js reference, which takes none: drop one of them$/,
  },
  // The gate (issue 13): baselines, shards, repeats, merge and compare.
  { what: "a --baseline that does not exist", args: (scratch, out) => ["run", "broker-crash", "--out", out, "--baseline", join(scratch, "nope.json")], stderr: /^faraday: .*\/nope\.json: no such baseline file \(write one with faraday baseline write <run-dir>\)$/ },
  { what: "a --baseline that is a folder", args: (scratch, out) => ["run", "broker-crash", "--out", out, "--baseline", scratch], stderr: /^faraday: .*: is a folder, not a baseline file$/ },
  {
    what: "a --baseline that is not JSON",
    args: (scratch, out) => (writeFileSync(join(scratch, "b.json"), '{"format": "faraday-baseline/1",\n "cells": {,}}'), ["run", "broker-crash", "--out", out, "--baseline", join(scratch, "b.json")]),
    stderr: /^faraday: .*\/b\.json: not valid JSON at line 2 — /,
  },
  {
    what: "a --baseline with a failing check and no reason",
    args: (scratch, out) => (
      writeFileSync(join(scratch, "b.json"), JSON.stringify({ format: "faraday-baseline/1", cells: { "broker-crash.aiomqttc.v5.mosquitto": { verdict: "fail", checks: { reconnectsWithin: { verdict: "fail" } } } } })),
      ["run", "broker-crash", "--out", out, "--baseline", join(scratch, "b.json")]
    ),
    stderr: /^faraday: .*\/b\.json: \/cells\/broker-crash\.aiomqttc\.v5\.mosquitto\/checks\/reconnectsWithin.*reason/,
  },
  { what: "--strict without --baseline", args: (_, out) => ["run", "broker-crash", "--out", out, "--strict"], stderr: /^faraday: --strict is a rule of the baseline gate: give it with --baseline <file>$/ },
  { what: "a --shard beyond its count", args: (_, out) => ["run", "broker-crash", "--out", out, "--shard", "3/2"], stderr: /^faraday: --shard wants i\/n with 1 ≤ i ≤ n \(e\.g\. --shard 2\/4\), not "3\/2"$/ },
  { what: "a --shard 0/2", args: (_, out) => ["run", "broker-crash", "--out", out, "--shard", "0/2"], stderr: /^faraday: --shard wants i\/n with 1 ≤ i ≤ n/ },
  { what: "a --shard that is not i/n", args: (_, out) => ["run", "broker-crash", "--out", out, "--shard", "half"], stderr: /^faraday: --shard wants i\/n .*not "half"$/ },
  { what: "--durations without --shard", args: (scratch, out) => ["run", "broker-crash", "--out", out, "--durations", scratch], stderr: /^faraday: --durations balances shards: give it with --shard i\/n$/ },
  { what: "--durations naming no results", args: (scratch, out) => ["run", "broker-crash", "--out", out, "--shard", "1/2", "--durations", join(scratch, "none")], stderr: /^faraday: .*\/none holds no results\.json$/ },
  { what: "--repeat 0", args: (_, out) => ["run", "broker-crash", "--out", out, "--repeat", "0"], stderr: /^faraday: --repeat wants a whole number from 1 to 1000, not "0"$/ },
  { what: "--repeat that is not a number", args: (_, out) => ["run", "broker-crash", "--out", out, "--repeat", "5x"], stderr: /^faraday: --repeat wants a whole number from 1 to 1000, not "5x"$/ },
  { what: "--repeat without its value", args: (_, out) => ["run", "broker-crash", "--out", out, "--repeat"], stderr: /^faraday: --repeat wants a value: --repeat <n>$/ },
  { what: "baseline without a subcommand", args: () => ["baseline"], stderr: /^faraday: faraday baseline wants a subcommand: write \(e\.g\. faraday baseline write reports\/latest\)$/ },
  { what: "baseline with an unknown subcommand", args: () => ["baseline", "wirte"], stderr: /^faraday: unknown subcommand "wirte" of faraday baseline/ },
  { what: "baseline write without runs", args: (scratch) => ["baseline", "write", "--out", join(scratch, "b.json")], stderr: /^faraday: name the runs to take the baseline from/ },
  { what: "baseline write of a folder without results", args: (scratch) => ["baseline", "write", join(scratch, "none"), "--out", join(scratch, "b.json")], stderr: /^faraday: .*\/none holds no results\.json$/ },
  { what: "baseline write of an invocation without runs", args: (scratch, out) => ["baseline", "write", join(out, "latest"), "--out", join(scratch, "b.json")], stderr: /: no runs to take a baseline from$/ },
  {
    what: "baseline write over a file that is not a baseline (kept as it was)",
    args: (scratch, out) => (writeFileSync(join(scratch, "notes.json"), "my notes\n"), ["baseline", "write", join(out, "latest"), "--out", join(scratch, "notes.json")]),
    stderr: /^faraday: .*\/notes\.json: not valid JSON/,
  },
  { what: "an unknown option of baseline write", args: (_, out) => ["baseline", "write", join(out, "latest"), "--output", "b.json"], stderr: /^faraday: unknown option --output \(did you mean --out\?\)$/ },
  { what: "report without a subcommand", args: () => ["report"], stderr: /^faraday: faraday report wants a subcommand: merge or compare/ },
  { what: "report with an unknown subcommand", args: () => ["report", "diff"], stderr: /^faraday: unknown subcommand "diff" of faraday report \(merge, compare;/ },
  { what: "report merge without --out", args: (_, out) => ["report", "merge", join(out, "latest")], stderr: /^faraday: faraday report merge wants --out <dir>/ },
  { what: "report merge without inputs", args: (scratch) => ["report", "merge", "--out", join(scratch, "merged")], stderr: /^faraday: name the runs to merge/ },
  { what: "report merge with a bad --prefer", args: (scratch, out) => ["report", "merge", join(out, "latest"), "--out", join(scratch, "merged"), "--prefer", "best"], stderr: /^faraday: --prefer wants first, last or newest, not "best"$/ },
  { what: "report merge --strict without --baseline", args: (scratch, out) => ["report", "merge", join(out, "latest"), "--out", join(scratch, "merged"), "--strict"], stderr: /^faraday: --strict is a rule of the baseline gate/ },
  { what: "report merge --out under /proc", args: (_, out) => ["report", "merge", join(out, "latest"), "--out", "/proc/x"], stderr: /^faraday: --out \/proc\/x is under \/proc/ },
  { what: "report merge of a folder without results", args: (scratch) => ["report", "merge", join(scratch, "none"), "--out", join(scratch, "merged")], stderr: /^faraday: .*\/none holds no results\.json$/ },
  { what: "report merge with a missing --baseline", args: (scratch, out) => ["report", "merge", join(out, "latest"), "--out", join(scratch, "merged"), "--baseline", join(scratch, "nope.json")], stderr: /no such baseline file/ },
  { what: "report compare with one run", args: (_, out) => ["report", "compare", join(out, "latest")], stderr: /^faraday: faraday report compare takes two runs, the earlier first .*, not 1$/ },
  { what: "report compare of a folder without results", args: (scratch, out) => ["report", "compare", join(scratch, "none"), join(out, "latest")], stderr: /^faraday: .*\/none holds no results\.json$/ },
];

describe("every bad input: one line, exit 2, nothing left running, nothing lost", () => {
  it.each(BAD_INPUTS)("$what", ({ args, stderr, unprivileged }) => {
    const tmp = privateTmp();
    const scratch = mkdtempSync(join(tmpdir(), "faraday-bad-input-"));
    const out = reportsWithHistory(scratch);
    const before = tree(scratch);
    const argv = args(scratch, out);
    const expected = tree(scratch);
    if (unprivileged && asRoot) chmodSync(tmp, 0o777);
    const r = cli(argv, tmp, unprivileged && asRoot ? NOBODY : undefined);
    expect(r.code, `${argv.join(" ")}\n${r.stderr}`).toBe(2);
    expect(r.stderr.split("\n").filter(Boolean)).toEqual([expect.stringMatching(stderr)]);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(processesUnder(tmp)).toEqual([]);
    // Nothing lost and nothing added: the earlier invocation and `latest` as they were, no
    // empty invocation folder, nothing written beside --out.
    expect(tree(scratch)).toEqual(expected);
    expect(before.filter((p) => !expected.includes(p))).toEqual([]);
  });
});

describe("a real bug", () => {
  it("is one line saying where to report it, with the stack in a file rather than on the terminal", () => {
    const tmp = privateTmp();
    // Make the catalogue unreadable with a plain TypeError, as a bug in faraday would throw.
    const preload = join(tmp, "bug.cjs");
    writeFileSync(
      preload,
      `const fs = require("fs"); const orig = fs.readdirSync;
fs.readdirSync = (p, ...a) => { if (String(p).endsWith("scenarios")) throw new TypeError("planted bug \\x1b[2J"); return orig(p, ...a); };
require("module").syncBuiltinESMExports();
`,
    );
    const r = faraday(["list"], { tmp, env: { NODE_OPTIONS: `--require ${preload}` }, timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    const lines = r.stderr.split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    const m = /^faraday: internal error: planted bug \\x1b\[2J — please report it with the command line and reports\/latest \(stack in (.+)\)$/.exec(lines[0]!);
    expect(m, lines[0]).not.toBeNull();
    const saved = readFileSync(m![1]!, "utf8");
    expect(saved).toContain("command: faraday list");
    expect(saved).toMatch(/TypeError: planted bug[^]*\n\s+at /);
    expect(processesUnder(tmp)).toEqual([]);
  });
});
