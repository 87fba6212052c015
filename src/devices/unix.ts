import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import type { Lab } from "../lab/lab.ts";
import type { AgentChannel } from "./channel.ts";
import { join } from "node:path";
import { repoRoot } from "../tools/paths.ts";
import { LabError } from "../lab/errors.ts";
import { readClientSource } from "./clients.ts";
import { defineDevice, type DeviceKind } from "./device.ts";
import { launchAgent } from "./launch.ts";
import { precompileClient, precompileFile } from "./precompile.ts";
import { loadBoardProfile, unixHeapKb } from "../boards/profile.ts";
import { boardModule } from "../boards/module.ts";

export const unixDevice = defineDevice({
  name: "unix",
  help: "MicroPython unix port",
  isDefault: true,
  defaultClient: "aiomqttc",
  tool: "micropython",
  refuses: (client) => (readClientSource(client) === "node" ? `the ${client} client runs with --device node` : undefined),
  make: (t) => unixPort({ micropython: t.micropython.argv, mpyCross: t.mpyCross?.path }),
});

/**
 * The MicroPython unix port: the real, unmodified client in a real MicroPython process.
 * The network shim stands in for the WLAN driver (the lab switches it off for an AP loss);
 * everything else — sockets, asyncio, the client — is the real thing.
 */
export function unixPort(opts: { micropython: string[]; mpyCross?: string | undefined }): DeviceKind {
  return {
    kind: "unix",
    async launch(lab, { name, client, heapKb: scenarioHeapKb, precompile: scenarioPrecompile, board, wlan }) {
      const home = join(lab.dir, name);
      const lib = join(home, "lib");
      mkdirSync(lib, { recursive: true });
      // A board's RAM and .mpy need where the scenario names none (a scenario that sets a heap
      // does so on purpose); its WLAN driver for the network shim, and its sys.platform.
      const heapKb = scenarioHeapKb ?? (board ? unixHeapKb(board) : undefined);
      const precompile = scenarioPrecompile || board?.needsMpy;
      if (board || wlan) {
        // Precompiled with the rest (its source then kept off the path: an import prefers .py):
        // its dicts compiled at run time cost a small heap dearly.
        const src = join(precompile && opts.mpyCross ? home : lib, "faraday_board.py");
        writeFileSync(src, boardModule(board ?? loadBoardProfile("generic"), wlan));
        if (precompile && opts.mpyCross) precompileFile(opts.mpyCross, src, join(lib, "faraday_board.mpy"));
      }
      const harness = join(repoRoot, "harness", "device");
      const path = [".frozen", lib, join(harness, "shims")];
      if (precompile) {
        if (!opts.mpyCross) throw new LabError("this scenario runs the client precompiled, but mpy-cross is missing — run: npx faraday setup");
        const frozen = join(home, "mpy");
        precompileClient(opts.mpyCross, client.packageDir, client.module, frozen);
        precompileFile(opts.mpyCross, client.adapterFile, join(lib, "faraday_adapter.mpy"));
        // The shims too (lib/ comes before shims/ on the path), as a board has its drivers
        // frozen: compiling the network shim's driver at run time would cost a small heap more
        // than the board's own driver does.
        for (const shim of readdirSync(join(harness, "shims")).filter((f) => f.endsWith(".py")))
          precompileFile(opts.mpyCross, join(harness, "shims", shim), join(lib, shim.replace(/\.py$/, ".mpy")));
        path.push(frozen);
      } else {
        copyFileSync(client.adapterFile, join(lib, "faraday_adapter.py"));
      }
      path.push(client.packageDir);
      const [cmd, ...pre] = opts.micropython;
      const channel = await launchAgent(lab, {
        name,
        cmd: cmd!,
        args: [...pre, ...(heapKb ? ["-X", `heapsize=${heapKb}k`] : []), join(harness, "agent.py")],
        cwd: home,
        // .frozen keeps the built-in asyncio; then our adapter, our shims, the client
        // (its .mpy first when precompiled, so the sources behind it are never compiled).
        env: { ...process.env, MICROPYPATH: path.join(":") },
      });
      sampleCpu(lab, name, channel);
      return channel;
    },
  };
}

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on every architecture Node runs on. */
const TICK_MS = 10;

/** The process's user + system CPU time so far, in ms, from /proc/<pid>/stat (undefined once it is gone). */
export function cpuMsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After the command: state(0) … utime(11) stime(12), in clock ticks.
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}

/**
 * A board's CPU budget, on the unix device: the device process's own CPU time, read from the
 * kernel's accounting once a second and put on the timeline (`device cpu`), so a checker can
 * tell a client that idles from one that spins — whatever the host's load, since a starved
 * process is charged less, never more.
 */
function sampleCpu(lab: Lab, name: string, channel: AgentChannel): void {
  const pid = channel.proc.pid;
  if (pid === undefined) return;
  const sample = () => {
    const cpuMs = cpuMsOf(pid);
    if (cpuMs !== undefined && channel.proc.exitCode === undefined) lab.timeline.record("device", "cpu", { device: name, cpuMs });
  };
  sample();
  const timer = setInterval(sample, 1000);
  void channel.proc.exited.then(() => clearInterval(timer));
  lab.defer(`stop sampling the CPU of ${name}`, () => clearInterval(timer));
}
