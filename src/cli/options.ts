// Command lines: every mistake is one sentence, naming the option and what it wants.
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { Protocol } from "../brokers/broker.ts";
import { deviceNames } from "../devices/index.ts";
import { InputError } from "../lab/errors.ts";
import { clip } from "../report/safeText.ts";

export type Options = NonNullable<ParseArgsConfig["options"]>;

/** What each option takes (run, baseline write, report merge), for "--suite wants a value: --suite <name>". */
const VALUE_OF: Record<string, string> = {
  suite: "<name> (e.g. resilience, compliance/v5)",
  client: "<name>",
  "client-path": "<dir>",
  protocol: "3.1.1|5|all",
  broker: "<kind>|all",
  device: deviceNames().join("|"),
  "host-address": "<ip> (e.g. 192.168.1.20)",
  "wifi-ssid": "<name> (the board's WiFi; its password from FARADAY_WIFI_PASSWORD)",
  flash: "<dir>",
  parallel: "<n>",
  seed: "<n>",
  out: "<dir>",
  "broker-port": "<port>",
  baseline: "<file> (e.g. faraday-baseline.json)",
  shard: "i/n (e.g. 2/4)",
  durations: "<results.json|dir>",
  repeat: "<n>",
  prefer: "first|last|newest",
  "fleet-size": "<n>",
  board: "<name> (a board profile in fixtures/boards/)",
};

/** Edit distance with transpositions ("sede" is one step from "seed"), for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  return d[a.length]![b.length]!;
}

/** The valid option nearest to a mistyped one, if it is near enough to be what was meant. */
function nearestOption(given: string, options: Options): string | undefined {
  const name = given.replace(/^-+/, "");
  if (name.length < 3) return undefined; // "-p": too short to guess from
  const near = Math.min(2, Math.floor(name.length / 3));
  let best: { opt: string; d: number } | undefined;
  for (const opt of Object.keys(options)) {
    let d = distance(name, opt);
    // A shortened or run-on option ("--prot", "--protocol5") is meant as the one it starts.
    if (d > near && (opt.startsWith(name) || name.startsWith(opt))) d = near + 0.5;
    if (!best || d < best.d) best = { opt, d };
  }
  return best && best.d <= near + 0.5 ? `--${best.opt}` : undefined;
}

/** node:util parseArgs, with its errors (ERR_PARSE_ARGS_*) turned into one line for the user. */
export function parseCommand<O extends Options>(cmd: string, args: string[], options: O, allowPositionals = false) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    throw argumentError(cmd, options, err);
  }
  // "--out=" or --out "": an option that wants a value got none.
  for (const [k, v] of Object.entries(parsed.values)) if (v === "") throw new InputError(`--${k} wants a value: --${k} ${VALUE_OF[k] ?? "<value>"}`);
  return parsed;
}

function argumentError(cmd: string, options: Options, err: unknown): Error {
  const code = (err as { code?: string }).code;
  const msg = err instanceof Error ? err.message : String(err);
  const opt = /^(?:Unknown option|Option) '(?:-\w, )?(-{1,2}[^' <]*)/.exec(msg)?.[1];
  const known = Object.keys(options).filter((o) => o !== "help");
  const optionsOf = known.length ? `options of faraday ${cmd}: ${known.map((o) => `--${o}`).join(", ")}` : `faraday ${cmd} takes no options`;
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && opt) {
    const near = nearestOption(opt, options);
    return new InputError(`unknown option ${clip(opt, 60)} (${near ? `did you mean ${near}?` : `${optionsOf}; see faraday ${cmd} --help`})`);
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && opt) {
    const name = opt.replace(/^-+/, "");
    const long = Object.entries(options).find(([k, o]) => k === name || o.short === name)?.[0] ?? name;
    if (options[long]?.type === "boolean") return new InputError(`--${long} takes no value`);
    return new InputError(`--${long} wants a value: --${long} ${VALUE_OF[long] ?? "<value>"}`);
  }
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
    const arg = /Unexpected argument '([^']*)'/.exec(msg)?.[1] ?? "";
    return new InputError(`faraday ${cmd} takes no arguments (got "${clip(arg, 60)}"; see faraday ${cmd} --help)`);
  }
  return err instanceof Error ? err : new Error(msg);
}

export function parseProtocols(p: string): Protocol[] {
  // Exactly the names the help gives: "4" or "3" would be a guess at what was meant.
  if (p === "all") return ["3.1.1", "5"];
  if (p === "3.1.1" || p === "5") return [p];
  throw new InputError(`unknown protocol "${clip(p, 40)}" (use 3.1.1, 5 or all)`);
}
