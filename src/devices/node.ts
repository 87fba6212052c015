import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../tools/paths.ts";
import { clip } from "../report/safeText.ts";
import { defineDevice, type DeviceKind } from "./device.ts";
import { launchAgent } from "./launch.ts";

export const nodeDevice = defineDevice({
  name: "node",
  help: "MQTT.js reference",
  defaultClient: "mqttjs",
  refusesClientPath: "--client-path names a MicroPython client's folder, and --device node runs the MQTT.js reference, which takes none: drop one of them",
  refuses: (client) => (client === "mqttjs" ? undefined : `--device node runs the MQTT.js reference client; drop --client ${clip(client, 60)}`),
  make: () => nodeReference(),
});

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
