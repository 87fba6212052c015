import { defineFault, type Fault, type FaultTargets } from "./fault.ts";
import { SILENT_WIRE, silentWire, type ToxicSet } from "./toxics.ts";

export const silentDeathFault = defineFault({
  name: "silentDeath",
  help: "power lost with the link silenced at the same moment: no FIN, no RST, no DISCONNECT reach the broker",
  how: "the silent wire, then the device process killed; it stays off",
  make: silentDeath,
});

/**
 * Silent death: a board in a Faraday cage, or under a falling shelf, loses power and its radio
 * at once. The broker hears nothing at all — no DISCONNECT, no FIN, no RST — and must find out
 * through the keepalive (1.5 × keepalive without a packet, MQTT-3.1.2-24) before it publishes
 * the will.
 *
 * Killing the device process alone is not silent: the host kernel closes its socket (a FIN, or
 * an RST with unread data) and the broker publishes the will at once. So the wire goes silent
 * first (silentWire: every byte dropped, every close held in the proxy, both directions), then
 * the process is killed (SIGKILL, recorded as `lab device.power on:false`). The device stays
 * off. Healing (or the teardown) removes the toxics, which closes the dead connection at the
 * broker with a FIN — long after the will, which is what a run judges.
 */
export function silentDeath(targets: FaultTargets): Fault {
  let wire: ToxicSet | undefined;
  const heal = async () => {
    const w = wire;
    wire = undefined;
    await w?.remove();
  };
  return {
    kind: "silentDeath",
    params: { wire: SILENT_WIRE, power: "off (SIGKILL), stays off" },
    async inject() {
      wire = await silentWire(targets.link, "silentDeath");
      await targets.device.powerOff();
    },
    heal,
  };
}
