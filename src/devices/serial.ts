import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { repoRoot } from "../tools/paths.ts";
import { LabError, oneLine } from "../lab/errors.ts";
import { lastLine, probeBoard, SerialBoard } from "../serial/board.ts";
import { deploy, type BoardFile } from "../serial/deploy.ts";
import { isDevice } from "../timeline/is.ts";
import { AgentChannel } from "./channel.ts";
import { readClientSource } from "./clients.ts";
import { defineDevice, type DeviceKind, type ResolvedClient } from "./device.ts";
import type { Lab } from "../lab/lab.ts";
import { loadBoardProfile } from "../boards/profile.ts";
import { boardModule } from "../boards/module.ts";
import { precompileClient, precompileFile } from "./precompile.ts";
import { WIFI_FILE, WIFI_PASSWORD_ENV, wifiBoardFile, wifiSsidOption, type WifiCredentials } from "../serial/wifi.ts";

export const serialDevice = defineDevice({
  name: "serial",
  help: "a MicroPython board on a serial port: serial:<port> (a real board, or faraday board virtual)",
  defaultClient: "aiomqttc",
  argument: "<port>",
  // One board, one port, one owner at a time: runs in parallel would fight over the port.
  runsAtOnce: 1,
  takesWifi: true,
  probe: (port) => probeBoard(port, 115_200),
  refuses: (client) => (readClientSource(client) === "node" ? `the ${client} client runs with --device node` : undefined),
  make: (t, o) => {
    if (!o?.arg) throw new LabError("--device serial wants the board's port: --device serial:<port> (faraday doctor lists the ports it sees)");
    return serialBoard({ port: o.arg, hostAddress: o.hostAddress ?? "127.0.0.1", mpyCross: t.mpyCross?.path, baud: o.baud ?? 115_200, needsMpy: o.needsMpy ?? false, wifi: o.wifi });
  },
});

/** The module the board imports to run the agent (harness/device/agent.py, under this name). */
const AGENT_MODULE = "faraday_agent";

/**
 * A board on a serial port. Each launch: open the port, enter the raw REPL (through boot
 * garbage), copy what changed (agent, adapter, client; the unix shims only to a virtual
 * board, whose unix port lacks `network` and `machine` — a real board has its own), soft-reset
 * for a fresh heap, start the agent and wait for its hello. The board reaches the lab's proxy
 * at `hostAddress`. With `wifi`, each launch writes the credentials to the board as
 * faraday_wifi.py (outside the hash manifest, so no hash of a short password stays on the board
 * to be tried), and the run's end removes it; without, a file a run left there is removed.
 */
export function serialBoard(opts: { port: string; hostAddress: string; mpyCross?: string | undefined; baud: number; needsMpy: boolean; wifi?: WifiCredentials | undefined }): DeviceKind {
  // One open port per lab: a power cycle (or a second device of a test) launches again on the
  // same board, and a port is opened by one owner at a time.
  const open = new WeakMap<Lab, SerialBoard>();
  return {
    kind: "serial",
    hostAddress: opts.hostAddress,
    descriptor: `serial:${opts.port}${opts.hostAddress !== "127.0.0.1" ? ` --host-address ${opts.hostAddress}` : ""}${opts.wifi ? ` ${wifiSsidOption(opts.wifi.ssid)}` : ""}`,
    async launch(lab, { name, client, precompile, board: profile, wlan }) {
      let board = open.get(lab);
      if (board?.vanished) throw new LabError(board.vanished);
      const first = !board;
      if (!board) {
        const b = await SerialBoard.open(opts.port, profile?.baud ?? opts.baud);
        open.set(lab, b);
        lab.defer(`close serial port ${opts.port}`, async () => {
          if (opts.wifi) await forgetWifi(b);
          await b.close();
        });
        b.onVanish((why) => lab.fail(why));
        board = b;
      } else if (board.running) await board.kill();
      try {
        await board.repl.enter(8000);
      } catch (err) {
        throw new LabError(`no MicroPython raw REPL on ${opts.port} — is it a board running MicroPython? (${oneLine(err)})`);
      }
      // A fresh interpreter before anything runs: the last agent (this run's before a power
      // cycle, or an earlier run's) left its modules filling the heap — an ESP8266's copy then
      // fails with MemoryError — and its stand-in for sys (--board's platform) in sys.modules,
      // which would make a virtual board answer "esp32" below.
      await board.repl.softReset();
      // (Without credentials, a WiFi file an earlier run left is removed in the same breath.)
      const platform = lastLine(await board.repl.exec(`${opts.wifi ? "" : removeWifiFile}import sys\nprint(sys.platform)`, 5000, "asking the board its platform"));
      const virtual = platform === "linux";
      const precompiled = Boolean(precompile || opts.needsMpy || profile?.needsMpy);
      const files = boardFiles(client, { virtual, precompile: precompiled, mpyCross: opts.mpyCross, work: join(lab.dir, name, "mpy") });
      // A virtual board stands for the board named (--board): its WLAN driver in the network shim.
      if (virtual && (profile || wlan)) files.push(boardTables(boardModule(profile ?? loadBoardProfile("generic"), wlan), precompiled, opts.mpyCross, join(lab.dir, name)));
      const d = await deploy(board.repl, files);
      if (opts.wifi) await board.repl.exec(`f=open(${JSON.stringify(WIFI_FILE)},"w")\nf.write(${JSON.stringify(wifiBoardFile(opts.wifi))})\nf.close()\n`, 10_000, "writing the board's WiFi file");
      // A WiFi the board cannot join (a wrong password, the AP out of reach) is the bench's
      // trouble, not the client's: found before the first run, it is an error, never a fail.
      // (After a soft reset: the interpreter the check runs in must see the files just copied —
      // a boot.py may have imported the old ones — and then another, for the agent's fresh heap.)
      let joinMs: number | undefined;
      if (opts.wifi && first) {
        await board.repl.softReset();
        joinMs = await joinsWifi(board, opts.wifi.ssid);
      }
      lab.timeline.record("lab", "device.deploy", {
        device: name,
        port: opts.port,
        copied: d.copied,
        kept: d.kept,
        ...(d.removed.length ? { removed: d.removed } : {}),
        ...(opts.wifi ? { wifiSsid: opts.wifi.ssid } : {}),
        ...(joinMs !== undefined ? { wifiJoinMs: joinMs } : {}),
      });
      await board.repl.softReset();

      let channel: AgentChannel | undefined;
      const early: [string, "stdout" | "stderr"][] = [];
      await board.startAgent(`import ${AGENT_MODULE}\n`, (line, stream) => (channel ? channel.onLine(line, stream) : early.push([line, stream])));
      channel = new AgentChannel(name, board, lab.timeline);
      for (const [line, stream] of early) channel.onLine(line, stream);
      // A board compiles the client from source at import: slower than a PC by far.
      const within = 30_000;
      // (Its hello may be in what came with the start already.)
      if (!channel.hello) await Promise.race([lab.timeline.next((e) => isDevice(e, "hello") && e.device === name, within), board.exited]);
      if (channel.hello) return channel;
      const last = board.tail.slice(-4).join(" | ") || "(nothing)";
      if (board.vanished) throw new LabError(board.vanished);
      await board.kill();
      // A heap too small to compile the client from source: say what sends it precompiled.
      const hint = !precompiled && /MemoryError/.test(last) ? " — a heap this small cannot compile the client: send it precompiled with --board <the board's profile> (esp8266 needs .mpy)" : "";
      throw new LabError(`the agent on ${opts.port} ${board.running ? `said nothing for ${within} ms` : "ended"} before its hello; last output: ${last}${hint}`);
    },
  };
}

/** How long a board may take to join its WiFi: a real AP's association and DHCP take seconds. */
const JOIN_MS = 30_000;
/** A wrong password is final once the driver has said it this long (NO_AP_FOUND is not: drivers retry). */
const REFUSED_MS = 3_000;

/**
 * Before each run on a board given --wifi-ssid (its first launch; not after a power cycle): join that WiFi from the board's WiFi file
 * as its client will, wait for isconnected(), then leave the interface as a fresh boot has it
 * (disconnect(), active(False)) so the client's first connect is its own. Resolves with the
 * join's ms; a board that does not join is a LabError naming its status.
 */
async function joinsWifi(board: SerialBoard, ssid: string): Promise<number> {
  const code = [
    "import network, time",
    `from ${WIFI_FILE.replace(/\.py$/, "")} import SSID, PW`,
    "w = network.WLAN(network.STA_IF)",
    // A board already on a WiFi (an ESP8266 rejoins its saved AP at boot; a soft reset keeps
    // the link) would pass at once whatever the password: it leaves that WiFi first.
    "if w.isconnected():",
    "    w.disconnect()",
    "    w.active(False)",
    "    t = time.ticks_ms()",
    "    while w.isconnected() and time.ticks_diff(time.ticks_ms(), t) < 5000:",
    "        time.sleep_ms(100)",
    "w.active(True)",
    "w.connect(SSID, PW)",
    "t = time.ticks_ms()",
    "bad = getattr(network, 'STAT_WRONG_PASSWORD', None)",
    "since = None",
    `while not w.isconnected() and time.ticks_diff(time.ticks_ms(), t) < ${JOIN_MS}:`,
    "    time.sleep_ms(100)",
    "    if bad is None or w.status() != bad:",
    "        since = None",
    "    elif since is None:",
    "        since = time.ticks_ms()",
    `    elif time.ticks_diff(time.ticks_ms(), since) > ${REFUSED_MS}:`,
    "        break",
    "st = w.status()",
    // Marked: an ESP8266 prints its WiFi driver's log on the same UART ("state: 5 -> 0").
    "print('faraday-wifi:', w.isconnected(), time.ticks_diff(time.ticks_ms(), t), st, ' '.join(n for n in dir(network) if n.startswith('STAT_') and getattr(network, n) == st))",
    "w.disconnect()",
    "w.active(False)",
    "",
  ].join("\n");
  const said = await board.repl.exec(code, JOIN_MS + 15_000, "joining the board's WiFi");
  const out = said.split(/\r?\n/).find((l) => l.startsWith("faraday-wifi: "));
  if (!out) throw new LabError(`joining the board's WiFi gave no answer the lab can read: ${lastLine(said)}`);
  const [, joined, ms, status, ...names] = out.trim().split(" ");
  if (joined === "True") return Number(ms);
  throw new LabError(
    `the board did not join the WiFi "${ssid}" (after ${Math.round(Number(ms) / 1000)} s its status() was ${status}${names.length ? ` ${names.join("/")}` : ""}) — check --wifi-ssid and ${WIFI_PASSWORD_ENV}, and that the access point is in reach; nothing was run`,
  );
}

/** Python that removes the WiFi file from the board's flash, if it is there. */
const removeWifiFile = `import os\ntry:\n os.remove(${JSON.stringify(WIFI_FILE)})\nexcept OSError:\n pass\n`;

/** At the run's end: stop the agent and remove the WiFi file, so the password stays on the board no longer than the run (best effort: a board that went away keeps it). */
async function forgetWifi(b: SerialBoard): Promise<void> {
  if (b.vanished) return;
  try {
    // A command still in hand (the WiFi check, at a Ctrl-C) ends now; the removal comes after it.
    b.repl.interrupt();
    if (b.running) await b.kill();
    await b.repl.enter(5000);
    await b.repl.exec(removeWifiFile, 5000, "removing the board's WiFi file");
  } catch {
    // The board is gone or does not answer: the port is closed next all the same.
  }
}

/** The board module (src/boards/module.ts) for a virtual board's network shim, precompiled with the rest when the client is. */
function boardTables(text: string, precompile: boolean, mpyCross: string | undefined, work: string): BoardFile {
  mkdirSync(work, { recursive: true });
  if (!precompile || !mpyCross) return { path: "lib/faraday_board.py", data: Buffer.from(text) };
  const src = join(work, "faraday_board.py");
  writeFileSync(src, text);
  precompileFile(mpyCross, src, join(work, "faraday_board.mpy"));
  return { path: "lib/faraday_board.mpy", data: readFileSync(join(work, "faraday_board.mpy")) };
}

/** What goes on the board's flash, by its path there. */
export function boardFiles(client: ResolvedClient, o: { virtual: boolean; precompile: boolean; mpyCross?: string | undefined; work: string }): BoardFile[] {
  const harness = join(repoRoot, "harness", "device");
  const files: BoardFile[] = [{ path: `${AGENT_MODULE}.py`, data: readFileSync(join(harness, "agent.py")) }];
  if (o.precompile && !o.mpyCross) throw new LabError("this run sends the client precompiled, but mpy-cross is missing — run: npx faraday setup");
  if (o.precompile) mkdirSync(o.work, { recursive: true });
  // A virtual board's unix port lacks the board's drivers: the shims stand in, precompiled with
  // the client as the unix device does it (a board has its drivers frozen, outside its heap).
  if (o.virtual)
    for (const f of readdirSync(join(harness, "shims")).filter((n) => n.endsWith(".py"))) {
      if (!o.precompile) files.push({ path: `lib/${f}`, data: readFileSync(join(harness, "shims", f)) });
      else {
        const out = join(o.work, f.replace(/\.py$/, ".mpy"));
        precompileFile(o.mpyCross!, join(harness, "shims", f), out);
        files.push({ path: `lib/${f.replace(/\.py$/, ".mpy")}`, data: readFileSync(out) });
      }
    }
  if (o.precompile) {
    for (const out of precompileClient(o.mpyCross!, client.packageDir, client.module, o.work)) files.push({ path: `lib/${relative(o.work, out)}`, data: readFileSync(out) });
    const adapter = join(o.work, "faraday_adapter.mpy");
    precompileFile(o.mpyCross!, client.adapterFile, adapter);
    files.push({ path: "lib/faraday_adapter.mpy", data: readFileSync(adapter) });
  } else {
    files.push({ path: "lib/faraday_adapter.py", data: readFileSync(client.adapterFile) });
    for (const src of clientSources(client.packageDir, client.module)) files.push({ path: `lib/${relative(client.packageDir, src)}`, data: readFileSync(src) });
  }
  return files;
}

/** The client's .py files, as precompileClient takes them: its package, its module, or every .py at the top of its folder. */
function clientSources(dir: string, module: string | undefined): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith(".py")) out.push(p);
    }
  };
  if (module && existsSync(join(dir, module)) && statSync(join(dir, module)).isDirectory()) walk(join(dir, module));
  else if (module && existsSync(join(dir, `${module}.py`))) out.push(join(dir, `${module}.py`));
  else for (const n of readdirSync(dir)) if (n.endsWith(".py") && n !== "faraday_adapter.py") out.push(join(dir, n));
  return out;
}
