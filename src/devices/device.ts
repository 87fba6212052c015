import type { ClientManifest } from "../mqtt/client.ts";
import type { Lab } from "../lab/lab.ts";
import type { AgentChannel } from "./channel.ts";

export type { ClientConfig, ClientManifest } from "../mqtt/client.ts";

/** What starts a device: the unix port, a serial board, the Node reference. */
export interface DeviceKind {
  kind: "unix" | "node" | "serial";
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
