import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../tools/paths.ts";
import type { DeviceKind } from "./device.ts";
import { launchAgent } from "./launch.ts";

/**
 * The MicroPython unix port: the real, unmodified client in a real MicroPython process.
 * The network shim stands in for the WLAN driver (the lab switches it off for an AP loss);
 * everything else — sockets, asyncio, the client — is the real thing.
 */
export function unixPort(opts: { micropython: string[] }): DeviceKind {
  return {
    kind: "unix",
    async launch(lab, { name, client, heapKb }) {
      const lib = join(lab.dir, name, "lib");
      mkdirSync(lib, { recursive: true });
      copyFileSync(client.adapterFile, join(lib, "faraday_adapter.py"));
      const harness = join(repoRoot, "harness", "device");
      const [cmd, ...pre] = opts.micropython;
      return launchAgent(lab, {
        name,
        cmd: cmd!,
        args: [...pre, ...(heapKb ? ["-X", `heapsize=${heapKb}k`] : []), join(harness, "agent.py")],
        cwd: join(lab.dir, name),
        env: {
          ...process.env,
          // .frozen keeps the built-in asyncio; then our adapter, our shims, the client.
          MICROPYPATH: [".frozen", lib, join(harness, "shims"), client.packageDir].join(":"),
        },
      });
    },
  };
}
