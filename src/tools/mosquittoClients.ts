// mosquitto_sub / mosquitto_pub from Debian's mosquitto-clients: an independent second
// implementation for the interop scenarios (v5 properties set by the device must read back
// exactly in mosquitto's own clients, and the reverse). Optional: only those scenarios need it.
import { aptComponent } from "./aptPackage.ts";

/** `mosquitto_sub --help` starts with "mosquitto_sub is a simple mqtt client … version 2.0.11 …". */
export function parseMosquittoClientsVersion(out: string): string | undefined {
  return /^mosquitto_sub version (\d+\.\d+\.\d+)/m.exec(out)?.[1] ?? /version (\d+\.\d+\.\d+)/.exec(out)?.[1];
}

export const mosquittoClients = aptComponent({
  name: "mosquitto_sub",
  pkg: "mosquitto-clients",
  wanted: "2.0.11",
  optional: true,
  paths: ["/usr/bin/mosquitto_sub"],
  versionArgs: ["--help"],
  parseVersion: parseMosquittoClientsVersion,
});

export const find = mosquittoClients.find;
export const install = mosquittoClients.install;
