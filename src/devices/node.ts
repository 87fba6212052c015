import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../tools/paths.ts";
import type { DeviceKind } from "./device.ts";
import { launchAgent } from "./launch.ts";

/**
 * The reference device: MQTT.js behind the same agent protocol, in its own process, so a
 * scenario that fails MQTT.js is suspect before any MicroPython client is blamed.
 */
export function nodeReference(): DeviceKind {
  return {
    kind: "node",
    async launch(lab, { name }) {
      const cwd = join(lab.dir, name);
      mkdirSync(cwd, { recursive: true });
      return launchAgent(lab, {
        name,
        cmd: process.execPath,
        args: [join(repoRoot, "harness", "node", "agent.mjs")],
        cwd,
        env: process.env,
      });
    },
  };
}
