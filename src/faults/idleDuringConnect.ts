import { defineFault, type Fault, type FaultTargets } from "./fault.ts";
import { wlanStackFault } from "./wlanStack.ts";

export const idleDuringConnectFault = defineFault({
  name: "idleDuringConnect",
  help: "an AP outage, and on the way back status() shows IDLE during a good connect (ESP32 1.21.1: CONNECTING → IDLE → GOT_IP)",
  how: "apLoss, and the network shim inserts STAT_IDLE for idleMs into the board's connect sequence (peterhinch/micropython-mqtt#129, #132/#133)",
  make: idleDuringConnect,
  example: { idleMs: 1500, at: "middle" },
});

export interface IdleDuringConnectParams {
  /** How long status() says IDLE (default 1500 ms). */
  idleMs?: number;
  /**
   * Where: "middle" — CONNECTING → IDLE → GOT_IP, as #129 saw on MicroPython 1.21.1; "start" —
   * IDLE right after connect() before CONNECTING, as 1.22.1 showed after an outage or a soft
   * reset (#132, #133).
   */
  at?: "middle" | "start";
}

export function idleDuringConnect(targets: FaultTargets, p: IdleDuringConnectParams = {}): Fault {
  const idleMs = p.idleMs ?? 1500;
  const at = p.at ?? "middle";
  return wlanStackFault(targets, "idleDuringConnect", { idleMs, at }, { idle: [idleMs, at === "start" ? 1 : 0] }, { apLoss: true });
}
