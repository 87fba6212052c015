import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { repoRoot } from "../tools/paths.ts";
import { InputError } from "../lab/errors.ts";

/** One step of a status() sequence: `status` for `ms`, or (the last step) until something else happens. */
export interface StatusStep {
  status: string;
  ms?: number;
}

/** The sequences a board's WLAN driver goes through (see schemas/board-profile.schema.json). */
export type SequenceName = "connect" | "apLoss" | "wrongCredentials" | "apReboot" | "weakSignal" | "dhcp";

/** A board as fixtures/boards/<name>.json describes it (schemas/board-profile.schema.json). */
export interface BoardProfile {
  name: string;
  title: string;
  /** sys.platform on the board; null: the device runtime's own. */
  platform: string | null;
  /** gc.mem_free() after boot, bytes; null: no limit. */
  freeHeapBytes: number | null;
  /** The client must be deployed precompiled (.mpy). */
  needsMpy: boolean;
  baud: number;
  reset: { how: "rts" | "usb" | "none"; romBaud: number | null; bootNoise: boolean; note?: string };
  banner: string;
  wlan: {
    /** network.STAT_* by name without STAT_. */
    constants: Record<string, number>;
    /** Values status() returns that the port does not export. */
    codes: Record<string, number>;
    connectedWhen: string[];
    reconnectsAlone: boolean;
    sequences: Record<SequenceName, StatusStep[]>;
    notes?: string;
  };
  sources: string[];
}

export const boardsDir = join(repoRoot, "fixtures", "boards");
export const boardSchemaFile = join(repoRoot, "schemas", "board-profile.schema.json");

let validator: ValidateFunction | undefined;
function boardValidator(): ValidateFunction {
  validator ??= new Ajv2020({ allErrors: false, strict: true }).compile(JSON.parse(readFileSync(boardSchemaFile, "utf8")) as object);
  return validator;
}

/** The names --board takes: the profiles in fixtures/boards/. */
export function boardProfiles(): string[] {
  return readdirSync(boardsDir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** A status name's value on a board (a constant or an unexported code). */
export function statusCode(p: BoardProfile, name: string): number | undefined {
  return p.wlan.constants[name] ?? p.wlan.codes[name];
}

/**
 * What the schema cannot say: every status a sequence or connectedWhen names is one the board
 * has, and the file is named after the profile. Returns the first problem, or undefined.
 */
export function profileProblem(p: BoardProfile, fileName?: string): string | undefined {
  if (fileName !== undefined && p.name !== fileName) return `/name is "${p.name}" but the file is ${fileName}.json`;
  const known = (s: string) => statusCode(p, s) !== undefined;
  for (const s of p.wlan.connectedWhen) if (!known(s)) return `/wlan/connectedWhen names ${s}, which is not in /wlan/constants or /wlan/codes`;
  for (const [seq, steps] of Object.entries(p.wlan.sequences)) {
    for (const [k, step] of steps.entries()) {
      if (!known(step.status)) return `/wlan/sequences/${seq}/${k} names ${step.status}, which is not in /wlan/constants or /wlan/codes`;
      if (k < steps.length - 1 && step.ms === undefined) return `/wlan/sequences/${seq}/${k} needs "ms": only the last step holds`;
    }
  }
  return undefined;
}

/** Check a profile read from anywhere (a file, a test); a bad one is one line naming the field. */
export function checkBoardProfile(data: unknown, where: string, fileName?: string): BoardProfile {
  const validate = boardValidator();
  if (!validate(data)) {
    const e = validate.errors?.[0];
    throw new InputError(`${where}: ${e ? `${e.instancePath || "the profile"} ${e.message ?? "is not valid"}` : "does not match schemas/board-profile.schema.json"}`);
  }
  const p = data as BoardProfile;
  const problem = profileProblem(p, fileName);
  if (problem) throw new InputError(`${where}: ${problem}`);
  return p;
}

/** Load fixtures/boards/<name>.json, checked against its schema; an unknown name lists the known ones. */
export function loadBoardProfile(name: string): BoardProfile {
  const known = boardProfiles();
  if (!known.includes(name)) throw new InputError(`unknown board "${name.slice(0, 60)}" (boards: ${known.join(", ")})`);
  const file = join(boardsDir, `${name}.json`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new InputError(`fixtures/boards/${name}.json: not valid JSON — ${(err as Error).message}`);
  }
  return checkBoardProfile(data, `fixtures/boards/${name}.json`, name);
}

/**
 * How much larger a board's heap is on the 64-bit unix port: every object holding pointers
 * is about twice its size there, byte buffers are not. 1.6 is the floods' measured figure
 * (scenarios/floods/flood.ts: an ESP8266's 40 KB is 64 KB here; neither client starts
 * precompiled at 50 KB or below).
 */
export const UNIX_64_HEAP_SCALE = 1.6;

/**
 * The heap a device runs with for a board, in KB (rounded up): the board's free heap after
 * boot, times `scale` (UNIX_64_HEAP_SCALE on the 64-bit unix port, 1 on the board itself);
 * undefined: no limit.
 */
export function boardHeapKb(p: BoardProfile, scale = 1): number | undefined {
  return p.freeHeapBytes === null ? undefined : Math.ceil((p.freeHeapBytes * scale) / 1024);
}

/**
 * What emulating the board costs on the unix port's heap, in KB: the network shim and the
 * board's tables, precompiled (measured alone: 7.0 KB and 2.2 KB), the agent's stand-in for
 * `sys` and its hooks — measured whole, aiomqttc kept 5.4 KB free after collection at 63 + 10 KB
 * where the floods saw 12 KB at 64 KB without them. On a board the driver is C code outside the
 * Python heap, so the unix device adds this much to the board's heap.
 */
export const WLAN_SHIM_KB = 16;

/** The unix device's heap for a board: its free heap scaled to the 64-bit port, plus the emulated driver's cost. */
export function unixHeapKb(p: BoardProfile): number | undefined {
  const kb = boardHeapKb(p, UNIX_64_HEAP_SCALE);
  return kb === undefined ? undefined : kb + WLAN_SHIM_KB;
}
