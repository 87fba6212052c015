import { defineFault, type Fault, type FaultTargets } from "./fault.ts";
import { wlanStackFault } from "./wlanStack.ts";

export const statusLingersFault = defineFault({
  name: "statusLingers",
  help: "after an AP outage status() stays in an error (ESP32: 202, wrong password) and each connect() fails again, until one comes after a pause",
  how: "apLoss, and the network shim's driver answers each connect() made within holdMs of the previous one with the error (peterhinch/micropython-mqtt#154)",
  make: statusLingers,
  example: { status: "WRONG_PASSWORD", holdMs: 2800 },
});

export interface StatusLingersParams {
  /** The board's status name it lingers in (default WRONG_PASSWORD: 202 on ESP32). */
  status?: string;
  /** A connect() this soon after the previous one fails again (default 2800 ms). */
  holdMs?: number;
}

/**
 * An AP outage after which the ESP32's driver keeps answering `status()` 202 (wrong password)
 * after every `connect()` — "constantly", as #154 reports — while the same connect from the
 * REPL a moment later works: the error clears only when a connect() comes after a pause. The
 * shim fails every connect() made within `holdMs` of the previous one with `status` (after
 * 200 ms of CONNECTING) and lets the first one after a longer pause through.
 */
export function statusLingers(targets: FaultTargets, p: StatusLingersParams = {}): Fault {
  const status = p.status ?? "WRONG_PASSWORD";
  const holdMs = p.holdMs ?? 2800;
  return wlanStackFault(targets, "statusLingers", { status, holdMs }, { linger: [status, holdMs] }, { apLoss: true });
}
