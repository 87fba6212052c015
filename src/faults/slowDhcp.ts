import { defineFault, type Fault, type FaultTargets } from "./fault.ts";
import { wlanStackFault } from "./wlanStack.ts";

export const slowDhcpFault = defineFault({
  name: "slowDhcp",
  help: "an AP outage, and on the way back the station associates but gets its address only after dhcpMs",
  how: "apLoss, and the network shim holds the board's dhcp status (ESP32 CONNECTING, Pico W 2) for dhcpMs before GOT_IP; isconnected() stays False meanwhile",
  make: slowDhcp,
  example: { dhcpMs: 8000 },
});

export interface SlowDhcpParams {
  /** How long the address takes once associated (default 8000 ms). */
  dhcpMs?: number;
}

export function slowDhcp(targets: FaultTargets, p: SlowDhcpParams = {}): Fault {
  const dhcpMs = p.dhcpMs ?? 8000;
  return wlanStackFault(targets, "slowDhcp", { dhcpMs }, { dhcp: dhcpMs }, { apLoss: true });
}
