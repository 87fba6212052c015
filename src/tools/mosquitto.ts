// mosquitto 2.x from Debian (bookworm has 2.0.11). 2.x because the lab's broker
// configs use 2.0 semantics (explicit listeners, allow_anonymous default false).
import { aptComponent } from "./aptPackage.ts";

/** `mosquitto -h` starts with "mosquitto version 2.0.11". */
export function parseMosquittoVersion(out: string): string | undefined {
  return /^mosquitto version (\d+\.\d+\.\d+)/m.exec(out)?.[1];
}

export const mosquitto = aptComponent({
  name: "mosquitto",
  pkg: "mosquitto",
  wanted: "2.0.11",
  optional: false,
  paths: ["/usr/sbin/mosquitto"],
  versionArgs: ["-h"],
  parseVersion: parseMosquittoVersion,
  reject: (v) => (Number(v.split(".")[0]) >= 2 ? undefined : "need mosquitto 2.x"),
});

export const find = mosquitto.find;
export const install = mosquitto.install;
