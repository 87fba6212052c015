import { defineFault, type Fault, type FaultTargets } from "./fault.ts";
import { SILENT_WIRE, silentWire, type ToxicSet } from "./toxics.ts";

export const partitionFault = defineFault({
  name: "partition",
  help: "WLAN up, broker unreachable",
  how: "the silent wire alone",
  make: partition,
});

/**
 * Partition upstream of the access point: the device's WLAN stays associated and reports up,
 * but somewhere between the AP and the broker (a router, the uplink, a firewall dropping
 * state) packets vanish. Nothing says so: no FIN, no RST, no ICMP. The client must notice from
 * its own timers — the keepalive's PINGRESP that never comes, a PUBACK that never comes — and
 * its reconnect attempts connect to nothing that answers.
 *
 * The lab blackholes the device's proxy in both directions (see silentWire: Toxiproxy
 * `timeout` 0 and `slow_close`): bytes are dropped, closes are held, new connections are
 * accepted and then hear nothing. Healing removes the toxics; every connection that lived
 * through the outage is then closed (FIN, both ends), and new ones pass.
 */
export function partition(targets: FaultTargets): Fault {
  let wire: ToxicSet | undefined;
  const heal = async () => {
    const w = wire;
    wire = undefined;
    await w?.remove();
  };
  return {
    kind: "partition",
    params: { wlan: "up", wire: SILENT_WIRE },
    async inject() {
      wire = await silentWire(targets.link, "partition");
    },
    heal,
  };
}
