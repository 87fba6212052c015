import type { ClientManifest } from "../mqtt/client.ts";
import type { Lab } from "../lab/lab.ts";
import type { AgentChannel } from "./channel.ts";
import type { BoardProfile } from "../boards/profile.ts";
import type { WifiCredentials } from "../serial/wifi.ts";

export type { ClientConfig, ClientManifest, ClientPromises, Promised } from "../mqtt/client.ts";

/** What starts a device: the unix port, a serial board, the Node reference. */
export interface DeviceKind {
  /** Its descriptor's name (`--device`). */
  kind: string;
  /**
   * The address the device reaches the lab's proxy at (a board on the bench: the host's
   * address on its WiFi, `--host-address`); 127.0.0.1 when absent.
   */
  hostAddress?: string;
  /** `--device` as a reproduce command writes it, when the kind alone is not enough ("serial:/dev/ttyUSB0 --host-address …"). */
  descriptor?: string;
  /** Launch the agent for `client` and wait for its hello. */
  launch(lab: Lab, opts: { name: string; client: ResolvedClient } & DeviceSettings): Promise<AgentChannel>;
}

/** What a scenario may ask of the device itself (not of the client's MQTT settings). */
export interface DeviceSettings {
  /** MicroPython heap in KB (-X heapsize): 40 is close to an ESP8266's free RAM. */
  heapKb?: number;
  /**
   * Run the client precompiled to .mpy (mpy-cross of the runtime's bytecode version), as
   * ESP8266 users freeze theirs: a client that large cannot be compiled inside a small heap.
   */
  precompile?: boolean;
  /**
   * Keep only the client's tracebacks of its own output on the timeline, and count the other
   * lines (a fleet's devices beyond the first: a hundred chatty clients would swamp the host).
   */
  quietLog?: boolean;
  /**
   * The board the device stands for (--board, fixtures/boards/): its heap and .mpy need where
   * the scenario names none, and, on the unix port, its WLAN driver in the network shim.
   */
  board?: BoardProfile;
  /**
   * WiFi-stack faults in effect from boot (the `wlan` op's knobs, docs/agent-protocol.md): a
   * first power-up on weak WiFi, say. Unix device only.
   */
  wlan?: Record<string, unknown>;
}

/** A client chosen with --client / --client-path, with its manifest. */
export interface ResolvedClient {
  name: string;
  /** Folder that holds the client's package (goes on MICROPYPATH). */
  packageDir: string;
  /** The importable module or package (mqtt_as, aiomqttc); undefined for a folder client. */
  module?: string;
  /** Adapter module copied to faraday_adapter.py in the sandbox. */
  adapterFile: string;
  manifest: ClientManifest;
  /** Where the client came from, for the record: a PyPI version, a git revision. */
  revision: string;
  /**
   * --client-path as a reproduce command writes it (see clientPathToken): absent when the
   * client needs no folder (PyPI, the MQTT.js reference).
   */
  reproducePath?: string;
}


/**
 * What a device file exports, with `defineDevice`: devices/index.ts finds every one in this
 * folder, and `--device`, its checks and the CLI help follow from them.
 */
export interface DeviceDescriptor {
  /** The name `--device` takes. */
  readonly name: string;
  /** What runs the client, in one line (CLI help). */
  readonly help: string;
  /** `--device`'s default (one kind says so). */
  readonly isDefault?: boolean;
  /** The client it runs when `--client` names none. */
  readonly defaultClient: string;
  /** The `faraday setup` component it runs on, if any. */
  readonly tool?: string;
  /** When it cannot take `--client-path`: the one line that says so (checked before anything starts). */
  readonly refusesClientPath?: string;
  /** Why it cannot run the client named, in one line, or undefined when it can. */
  readonly refuses?: (client: string) => string | undefined;
  /** What follows the name after a colon, when the kind takes one (`serial:<port>`), for help. */
  readonly argument?: string;
  /** It takes the board's WiFi (`--wifi-ssid`, the password from FARADAY_WIFI_PASSWORD): a board on the bench. */
  readonly takesWifi?: boolean;
  /**
   * How many runs it can carry at once, when it is one thing on the bench (a board on one
   * port: 1): the default `--parallel` is held to it, and a larger one is refused.
   */
  readonly runsAtOnce?: number;
  /** Check the argument before any run starts (a serial port: is a board there?); rejects with one line. */
  readonly probe?: (arg: string) => Promise<unknown>;
  /** The device of one invocation, from the resolved toolchain. */
  readonly make: (tools: DeviceTools, opts?: DeviceOptions) => DeviceKind;
}

/** What `faraday run` passes a device kind besides the toolchain. */
export interface DeviceOptions {
  /** After the colon in `--device <kind>:<arg>` (a serial port). */
  arg?: string;
  /** `--host-address`: where the device reaches the lab (never guessed). */
  hostAddress?: string;
  /** The board profile's baud rate. */
  baud?: number;
  /**
   * The board's WiFi (`--wifi-ssid`, the password from the environment, FARADAY_WIFI_PASSWORD):
   * for the clients that connect the WLAN themselves and for the lab's `wifi` up. The password
   * goes to the board's flash only, never on the timeline, in results or in a reproduce line.
   */
  wifi?: WifiCredentials;
  /** The board profile says the client must go precompiled (.mpy). */
  needsMpy?: boolean;
}

/** What a device kind may take from the resolved toolchain (src/tools/index.ts's Toolchain). */
export interface DeviceTools {
  micropython: { argv: string[] };
  /** Absent when not installed, or when it emits bytecode the runtime does not load. */
  mpyCross?: { path: string } | undefined;
  /** Every component found, by its name ("socat"). */
  found: Readonly<Record<string, { path: string }>>;
}

const devices = new WeakSet<object>();

/** Declare a device kind (one line in its file): devices/index.ts picks it up. */
export function defineDevice<D extends DeviceDescriptor>(d: D): D {
  devices.add(d);
  return d;
}

export function isDevice(x: unknown): x is DeviceDescriptor {
  return typeof x === "object" && x !== null && devices.has(x);
}
