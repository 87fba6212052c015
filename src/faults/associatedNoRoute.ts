import { defineFault, type Fault, type FaultTargets } from "./fault.ts";
import { wlanStackFault } from "./wlanStack.ts";

export const associatedNoRouteFault = defineFault({
  name: "associatedNoRoute",
  help: "the station stays associated (isconnected() True, status() GOT_IP) while nothing passes: no IP route, a dead DHCP lease",
  how: "the silent wire, and the network shim reports connected whatever happens to the AP until healed",
  make: associatedNoRoute,
});

/**
 * Associated but cut off: the WLAN driver says all is well — `isconnected()` True, `status()`
 * GOT_IP — while no packet gets anywhere (the lease ran out, the AP's uplink is gone). Unlike
 * `partition`, the shim is told to keep saying so even if the client resets the interface
 * (disconnect(), connect()): only the client's own MQTT timers can notice.
 */
export function associatedNoRoute(targets: FaultTargets): Fault {
  return wlanStackFault(targets, "associatedNoRoute", {}, { stuck: true }, { apLoss: false });
}
