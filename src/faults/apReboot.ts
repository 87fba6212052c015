import { defineFault, type Fault, type FaultTargets } from "./fault.ts";
import { SILENT_WIRE, silentWire, type ToxicSet } from "./toxics.ts";

export const apRebootFault = defineFault({
  name: "apReboot",
  help: "the access point every device of a fleet hangs on goes away for all of them at once (a reboot, a power cut): every WLAN down, every link silent",
  how: "apLoss on every device of the fleet together: each proxy's silent wire first, then each device's `wifi` op; healed the other way round, every device in the same moment",
  make: apReboot,
});

/**
 * AP reboot: the one access point a fleet hangs on goes away and comes back, for every device
 * at the same moment — the reconnect storm a firmware team fears. Each device sees what an
 * apLoss shows it (its WLAN down, its wire silent both ways); the lab cuts every wire before it
 * takes any WLAN down, so no device learns of the outage from the wire before its radio, and
 * heals every wire before it brings any WLAN back, so that every station reassociates at once,
 * as after a real AP's boot.
 *
 * In a one-device run it is an apLoss of that device (a fleet of one).
 */
export function apReboot(targets: FaultTargets): Fault {
  const members = targets.fleet ?? [{ name: "device", link: targets.link, device: targets.device }];
  let wires: ToxicSet[] = [];
  const clearWires = async () => {
    const w = wires;
    wires = [];
    const r = await Promise.allSettled(w.map((x) => x.remove()));
    const bad = r.find((x): x is PromiseRejectedResult => x.status === "rejected");
    if (bad) throw bad.reason;
  };
  return {
    kind: "apReboot",
    params: { devices: members.length, wlan: "down", wire: SILENT_WIRE },
    async inject() {
      const r = await Promise.allSettled(members.map((m) => silentWire(m.link, "apReboot")));
      wires = r.flatMap((x) => (x.status === "fulfilled" ? [x.value] : []));
      const bad = r.find((x): x is PromiseRejectedResult => x.status === "rejected");
      if (bad) {
        await clearWires().catch(() => {});
        throw bad.reason;
      }
      await Promise.all(members.map((m) => m.device.wifi(false)));
    },
    async heal() {
      await clearWires();
      await Promise.all(members.map((m) => m.device.wifi(true)));
    },
    restore: clearWires,
  };
}
