// `faraday --help`: the broker, device and client lists come from their descriptors
// (brokers/index.ts, devices/index.ts, fixtures/clients/), so a new one is listed by itself.
import { BROKERS, defaultBroker } from "../brokers/index.ts";
import { knownClients, readManifest } from "../devices/clients.ts";
import { DEVICES, defaultDevice } from "../devices/index.ts";

const COL = 25; // where descriptions start
const WIDTH = 100;

/** "  --flag <x>             text…", the text wrapped under itself. */
function row(head: string, text: string): string {
  const lines: string[] = [];
  let cur = `  ${head}`.padEnd(COL - 1);
  for (const word of text.split(" ")) {
    if (cur.length + 1 + word.length > WIDTH && cur.trim()) {
      lines.push(cur);
      cur = "".padEnd(COL - 1);
    }
    cur += ` ${word}`;
  }
  return [...lines, cur].join("\n");
}

/** "aiomqttc (default, from PyPI), mqtt_as (needs --client-path), mqttjs (with --device node)". */
function clientList(): string {
  const byDefault = new Map(Object.values(DEVICES).map((d) => [d.defaultClient, d]));
  return knownClients()
    .map((name) => {
      const source = readManifest(name).source;
      const device = byDefault.get(name);
      const how = [
        device?.name === defaultDevice ? "default" : "",
        source === "pypi" ? "from PyPI" : source === "path" ? "needs --client-path" : "",
        device && device.name !== defaultDevice ? `with --device ${device.name}` : "",
      ].filter(Boolean);
      return how.length ? `${name} (${how.join(", ")})` : name;
    })
    .join(", ");
}

/** "a, b and c". */
const and = (xs: string[]) => (xs.length > 1 ? `${xs.slice(0, -1).join(", ")} and ${xs.at(-1)}` : (xs[0] ?? ""));

export function helpText(): string {
  const brokers = Object.values(BROKERS);
  const containers = brokers.filter((b) => b.runs === "container").map((b) => b.name);
  return `faraday — a fault-injection resilience lab for MQTT clients

Usage
  faraday run <scenario…> | --suite <name>   run scenarios against a real client, broker and proxy
  faraday list [--suite <s>] [word…]         the scenarios (resilience first) with their faults
                                             and checks; words narrow them (faraday list freeze)
  faraday check <run-dir…>                   re-judge saved runs (rewrites their results.json)
  faraday doctor                             what is installed, what is missing, how to fix it
  faraday setup                              obtain everything the lab needs (idempotent)

Options of run
${row("--client <name>", `client under test, one of fixtures/clients/: ${clientList()}`)}
${row("--client-path <dir>", 'folder holding the client\'s package, e.g. a checkout of peterhinch/micropython-mqtt for mqtt_as (or FARADAY_CLIENT_PATH, or faraday.config.json {"clientPaths": {"mqtt_as": "<dir>"}}); or a folder with its own faraday-client.json and faraday_adapter.py')}
${row("--protocol <p>", "3.1.1 | 5 | all (default all)")}
${row("--broker <kind>", `one of the brokers below, or all (default ${defaultBroker})`)}
${row("--device <kind>", Object.values(DEVICES).map((d) => `${d.name} (${d.help}${d.isDefault ? ", default" : ""})`).join(" | "))}
${row("--parallel <n>", "runs at once, each in its own sandbox (default 1)")}
${row("--seed <n>", "seed of every random choice (default: time based, recorded)")}
${row("--out <dir>", "where run folders go (default reports/)")}
${row("--broker-port <n>", "run the broker on this port instead of a free one (one run at a time)")}

Brokers (faraday doctor says which can run here)
${brokers.map((b) => row(`${b.name}${b.isDefault ? " (default)" : ""}`, b.help)).join("\n")}
${containers.length ? `${row("", `${and(containers)} need a Docker engine (else skipped)`)}\n` : ""}
Examples
  npx faraday run broker-crash
  npx faraday run broker-crash --protocol 5 --client mqtt_as --client-path ~/src/micropython-mqtt
  npx faraday run broker-crash --device node --protocol all

Exit codes: 0 every run passed (or was unsupported/skipped, with a reason),
            1 a client failed a check, 2 the lab could not do its job or the input was bad.
Run folders hold timeline.jsonl, results.json and client.log; reports/latest points at the newest.`;
}
