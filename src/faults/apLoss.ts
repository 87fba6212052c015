import { defineFault, type Fault, type FaultTargets } from "./fault.ts";
import { SILENT_WIRE, silentWire, type ToxicSet } from "./toxics.ts";

export const apLossFault = defineFault({
  name: "apLoss",
  help: "the radio link is gone: no FIN, no RST, packets vanish; the device's WLAN reports down",
  how: "silent wire (Toxiproxy `timeout` 0 + `slow_close`, both ways) and the agent's `wifi` op on the `network` shim",
  make: apLoss,
});

/**
 * AP loss: the access point goes away (switched off, out of range, a Faraday cage). The radio
 * link is simply gone: packets vanish in both directions, nobody sends a FIN or an RST, and
 * the device's own WLAN reports it — `isconnected()` is False, `status()` says it is trying
 * again — until the AP is back and the station reassociates.
 *
 * The lab does both halves at once. The wire first: the device's proxy is blackholed in both
 * directions (see silentWire: Toxiproxy `timeout` 0 and `slow_close`; new connections are
 * accepted and then hear nothing), so that a client that reacts to the WLAN by closing its
 * socket sends nothing the broker could see. Then the device: the agent's `wifi` op switches
 * the emulated WLAN down (on the unix port the `network` shim; the MQTT.js reference has no
 * WLAN, so for it this is the wire alone). Healing goes the other way round: the wire passes
 * again (connections that lived through the outage are closed, FIN both ends), then the WLAN
 * comes back up, so a client that connects as soon as it sees the WLAN finds a working path.
 */
export function apLoss(targets: FaultTargets): Fault {
  let wire: ToxicSet | undefined;
  const clearWire = async () => {
    const w = wire;
    wire = undefined;
    await w?.remove();
  };
  return {
    kind: "apLoss",
    params: { wlan: "down", wire: SILENT_WIRE },
    async inject() {
      wire = await silentWire(targets.link, "apLoss");
      await targets.device.wifi(false);
    },
    async heal() {
      await clearWire();
      await targets.device.wifi(true);
    },
    // At teardown the device is about to be stopped (or is already off after a power cycle):
    // the wire is what must not stay broken.
    restore: clearWire,
  };
}
