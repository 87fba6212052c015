// `faraday --help`: the broker, device and client lists come from their descriptors
// (brokers/index.ts, devices/index.ts, fixtures/clients/), so a new one is listed by itself.
import { BROKERS, defaultBroker } from "../brokers/index.ts";
import { knownClients, readManifest } from "../devices/clients.ts";
import { DEVICES, defaultDevice } from "../devices/index.ts";
import { boardProfiles } from "../boards/profile.ts";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../tools/paths.ts";

/**
 * The suites `--suite` takes: each folder of scenarios/ that holds scenario files (sub-folders
 * too, e.g. compliance/v5), resilience first; `default` is the resilience suite.
 */
export function suiteNames(): string[] {
  const root = join(repoRoot, "scenarios");
  const out: string[] = [];
  const walk = (rel: string) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true });
    } catch {
      return; // no scenarios folder (a copy of the sources alone): no suites to name
    }
    if (rel && entries.some((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.startsWith("_"))) out.push(rel);
    for (const e of entries) if (e.isDirectory() && e.name !== "tables") walk(rel ? `${rel}/${e.name}` : e.name);
  };
  walk("");
  const rank = (x: string) => (x.startsWith("resilience") ? 0 : x.startsWith("compliance") ? 2 : 1);
  return ["default", ...out.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))];
}

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
  faraday baseline write <run-dir…>          record the runs' verdicts as known (faraday-baseline.json)
  faraday report merge <dir…> --out <dir>    join shards or invocations into one results.json and report
  faraday report compare <a> <b>             what changed from run a to run b (exit 1: b fails anew)
  faraday board virtual [--board <name>]     a virtual board behind a pseudo-terminal: prints its port
                [--noise] [--flash <dir>]    (for --device serial:<port>), runs until Ctrl-C;
                [--ap <ssid> [--ap-password <k>]]  --ap: the only WiFi in its reach (try --wifi-ssid)
  faraday board list                         the board profiles --board takes
  faraday doctor                             what is installed, what is missing, how to fix it;
                                             the serial ports it sees and the board profiles
  faraday setup                              obtain everything the lab needs (idempotent)

Suites (--suite): ${suiteNames().join(", ")} (default = resilience)

Options of run
${row("--client <name>", `client under test, one of fixtures/clients/: ${clientList()}`)}
${row("--client-path <dir>", 'folder holding the client\'s package, e.g. a checkout of peterhinch/micropython-mqtt for mqtt_as (or FARADAY_CLIENT_PATH, or faraday.config.json {"clientPaths": {"mqtt_as": "<dir>"}}); or a folder with its own faraday-client.json and faraday_adapter.py')}
${row("--protocol <p>", "3.1.1 | 5 | all (default all)")}
${row("--broker <kind>", `one of the brokers below, or all (default ${defaultBroker})`)}
${row("--device <kind>", Object.values(DEVICES).map((d) => `${d.name}${d.argument ? `:${d.argument}` : ""} (${d.help}${d.isDefault ? ", default" : ""})`).join(" | "))}
${row("--host-address <ip>", "the address a board on the bench reaches this machine at, where the lab's proxy then listens (default 127.0.0.1: only a virtual board); never guessed")}
${row("--wifi-ssid <name>", "the WiFi a board on the bench joins (--device serial): mqtt_as, which connects the WLAN itself (ESP32, Pico W), gets it; aiomqttc's adapter joins it at the start as aiomqttc's example app does; the lab's wifi up reconnects to it. The password is read from the environment variable FARADAY_WIFI_PASSWORD (empty for an open network), never from the command line, and is never recorded")}
${row("--unattended", "guided scenarios (--suite manual): the lab applies the equivalent fault instead of prompting a person (a virtual board, the unix device, CI)")}
${row("--board <name>", `the board the device stands for, one of fixtures/boards/: ${boardProfiles().join(", ")} — its heap, its client precompiled when it needs .mpy, its WLAN driver's status() codes and sequences`)}
${row("--parallel <n>", "runs at once, each in its own sandbox (default: what the machine carries — cores, load, memory)")}
${row("--seed <n>", "seed of every random choice (default: time based, recorded)")}
${row("--out <dir>", "where run folders go (default reports/)")}
${row("--broker-port <n>", "run the broker on this port instead of a free one (one run at a time)")}
${row("--repeat <n>", "run each cell n times (seeds: the seed, +1, +2… or, with --seed, the same each time); repeats are <cell>.r2…, and a check that fails in some is fail (intermittent k/n)")}
${row("--fleet-size <n>", "devices in a fleet scenario's fleet (scenarios/fleet/), instead of its own size")}
${row("--baseline <file>", "gate against a baseline (faraday baseline write): exit 1 only on a new failure, 0 when every failure is known; results.json, junit.xml and report.html show each check's class")}
${row("--strict", "with --baseline: exit 1 on any difference from it (new failure, fixed, new pass, new or vanished cell)")}
${row("--shard <i/n>", "run shard i of n (deterministic by run id; a CI job matrix), then faraday report merge")}
${row("--durations <results>", "with --shard: balance the shards by a previous results.json (or folder of them)")}

Options of baseline write, report merge
${row("--out <file|dir>", "baseline write: the file (default faraday-baseline.json; reasons people wrote there are kept); report merge: the folder (required)")}
${row("--prefer <which>", "report merge: first | last | newest wins when one run id has two different results (default: refuse)")}
${row("--baseline <file>", "report merge: gate the merged runs (with --strict, as for run)")}

Brokers (faraday doctor says which can run here)
${brokers.map((b) => row(`${b.name}${b.isDefault ? " (default)" : ""}`, b.help)).join("\n")}
${containers.length ? `${row("", `${and(containers)} need a Docker engine (else skipped)`)}\n` : ""}
Examples
  npx faraday run broker-crash
  npx faraday run broker-crash --protocol 5 --client mqtt_as --client-path ~/src/micropython-mqtt
  npx faraday run broker-crash --device node --protocol all
  npx faraday baseline write reports/latest && npx faraday run --suite resilience --baseline faraday-baseline.json
  npx faraday run --suite compliance --shard 1/2 --out shard-1   # and 2/2 into shard-2, then:
  npx faraday report merge shard-1 shard-2 --out merged
  npx faraday run broker-crash --repeat 5
  FARADAY_WIFI_PASSWORD=… npx faraday run broker-crash --client mqtt_as --device serial:/dev/ttyUSB0 --board esp32 \\
      --host-address 192.168.1.20 --wifi-ssid my-ap
  npx faraday run --suite manual --device serial:/dev/ttyUSB0 --host-address 192.168.1.20   # guided

Exit codes: 0 every run passed (or was unsupported/skipped, with a reason; with --baseline:
            every failure is known), 1 a client failed a check (with --baseline: a new failure),
            2 the lab could not do its job or the input was bad.
Run folders hold timeline.jsonl, results.json and client.log; reports/latest points at the newest.`;
}
