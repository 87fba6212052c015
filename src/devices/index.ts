// Every device kind, found here: each file in this folder that declares one with defineDevice
// (device.ts) is registered by that alone — adding a device kind (a serial board) is adding its file.
import { readdirSync } from "node:fs";
import { isDevice, type DeviceDescriptor } from "./device.ts";

export type { DeviceDescriptor };

const here = new URL("./", import.meta.url);
const files = readdirSync(here).filter((f) => f.endsWith(".ts") && f !== "index.ts");
const modules = (await Promise.all(files.map((f) => import(new URL(f, here).href)))) as Record<string, unknown>[];
const kinds = modules.flatMap((m) => Object.values(m).filter(isDevice));
for (const k of kinds) if (kinds.filter((o) => o.name === k.name).length > 1) throw new Error(`device kind "${k.name}" is declared twice`);

/** Every device kind by name, the default first. */
export const DEVICES: Readonly<Record<string, DeviceDescriptor>> = Object.fromEntries(
  kinds.sort((a, b) => Number(b.isDefault ?? false) - Number(a.isDefault ?? false) || a.name.localeCompare(b.name)).map((k) => [k.name, k]),
);

/** The kind `--device` runs when none is named. */
export const defaultDevice: string = Object.values(DEVICES).find((k) => k.isDefault)?.name ?? "unix";

export function deviceNames(): string[] {
  return Object.keys(DEVICES);
}
