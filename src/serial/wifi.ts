// The board's WiFi credentials: the ssid from `--wifi-ssid`, the password from the environment
// only. They reach the board as one small file on its flash (faraday_wifi.py), which the agent
// reads there: never in an op the host sends, so never on the timeline, in results, in a
// report, in a reproduce line or in a log (docs/agent-protocol.md, "The board's WiFi").
import { InputError } from "../lab/errors.ts";

/** A WLAN's name and password (the password: an empty string for an open network). */
export interface WifiCredentials {
  ssid: string;
  password: string;
}

/** The environment variable the WiFi password is read from (never an option: a command line is seen by `ps`, shell history and reproduce lines). */
export const WIFI_PASSWORD_ENV = "FARADAY_WIFI_PASSWORD";

/** The board file the agent imports for the WLAN's name and password (SSID, PW). */
export const WIFI_FILE = "faraday_wifi.py";

/** An 802.11 SSID is 1 to 32 bytes; a WPA passphrase at most 63 characters, a raw key 64 hex digits. */
const SSID_MAX = 32;
const PASSWORD_MAX = 64;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * `--wifi-ssid` and the environment's password, checked before anything starts (one line, exit
 * 2). No ssid: undefined (the board's own WiFi as boot.py left it), whatever the environment
 * holds. An ssid without the variable set is refused: an open network is said with an empty one.
 * No message ever quotes the password.
 */
export function wifiCredentials(ssid: string | undefined, env: Readonly<Record<string, string | undefined>>): WifiCredentials | undefined {
  if (ssid === undefined) return undefined;
  const n = Buffer.byteLength(ssid, "utf8");
  if (n > SSID_MAX) throw new InputError(`--wifi-ssid wants the name of the board's WiFi, at most ${SSID_MAX} bytes (an 802.11 SSID), not ${n}`);
  if (CONTROL.test(ssid)) throw new InputError("--wifi-ssid: the WiFi's name holds a control character");
  const password = env[WIFI_PASSWORD_ENV];
  if (password === undefined)
    throw new InputError(
      `--wifi-ssid wants the WiFi's password in the environment: ${WIFI_PASSWORD_ENV}=… (empty for an open network); it is never taken on the command line`,
    );
  if (Buffer.byteLength(password, "utf8") > PASSWORD_MAX) throw new InputError(`${WIFI_PASSWORD_ENV} is longer than a WiFi password can be (at most ${PASSWORD_MAX} characters)`);
  if (CONTROL.test(password)) throw new InputError(`${WIFI_PASSWORD_ENV} holds a control character (a newline at its end?)`);
  return { ssid, password };
}

/**
 * faraday_wifi.py: SSID and PW as str. Each is written as a bytes literal of its UTF-8 with
 * every byte outside printable ASCII (and `"`, `\`) as \xNN, decoded on the board: any name or
 * password, one plain-ASCII file, no Unicode escapes the port might lack.
 */
export function wifiBoardFile(w: WifiCredentials): string {
  const lit = (s: string) => {
    let out = "";
    for (const c of Buffer.from(s, "utf8")) out += c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, "0")}`;
    return `b"${out}".decode()`;
  };
  return `# faraday: the board's WiFi for this run (--wifi-ssid, ${WIFI_PASSWORD_ENV}); removed when the run ends\nSSID = ${lit(w.ssid)}\nPW = ${lit(w.password)}\n`;
}

/** `--wifi-ssid <ssid>` as a reproduce line writes it (quoted for a POSIX shell when it must be); the password is never in it. */
export function wifiSsidOption(ssid: string): string {
  return `--wifi-ssid ${/^[A-Za-z0-9._@%+=:,/-]+$/.test(ssid) ? ssid : `'${ssid.replace(/'/g, `'\\''`)}'`}`;
}
