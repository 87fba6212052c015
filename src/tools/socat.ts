// socat makes the pseudo-terminal pair of a virtual serial board. Optional: only
// the serial-board scenarios need it.
import { aptComponent } from "./aptPackage.ts";

/** `socat -V` prints "socat version 1.7.4.4 on …" on its second line. */
export function parseSocatVersion(out: string): string | undefined {
  return /^socat version (\d+(?:\.\d+)+)/m.exec(out)?.[1];
}

export const socat = aptComponent({
  name: "socat",
  pkg: "socat",
  wanted: "1.7",
  optional: true,
  paths: ["/usr/bin/socat"],
  versionArgs: ["-V"],
  parseVersion: parseSocatVersion,
});

export const find = socat.find;
export const install = socat.install;
