import { defineFault, type Fault, type FaultTargets } from "./fault.ts";
import { wlanStackFault } from "./wlanStack.ts";

export const connectFailsFault = defineFault({
  name: "connectFails",
  help: "an AP outage, and on the way back the first connect() attempts fail as on weak WiFi before one works",
  how: "apLoss, and the network shim runs the board's weakSignal sequence for the next `times` connect() attempts (peterhinch/micropython-mqtt#134)",
  make: connectFails,
  example: { times: 2 },
});

export interface ConnectFailsParams {
  /** How many connect() attempts fail (default 2). */
  times?: number;
}

/** Weak WiFi: `times` attempts go the board's weakSignal way (Pico W: 1, 1, 1, then -1) before one works. */
export function connectFails(targets: FaultTargets, p: ConnectFailsParams = {}): Fault {
  const times = p.times ?? 2;
  return wlanStackFault(targets, "connectFails", { times }, { fail: times }, { apLoss: true });
}
