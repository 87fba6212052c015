import { apReboot } from "../../src/faults/apReboot.ts";
import { fleetScenario } from "./_fleet.ts";

/**
 * The reconnect storm: 100 devices on one access point that reboots. Every WLAN goes down and
 * every wire goes silent together for one keepalive; then the AP is back and every station
 * reassociates in the same moment, so every client reconnects to the one broker at once.
 * Every device must be back within its own bound, find its kept session and lose nothing that
 * was acknowledged; fleetReconnectSpread says how many came back in the same 100 ms.
 */
export default fleetScenario({
  id: "fleet-ap-reboot",
  title: "A fleet (100 devices unless --fleet-size) behind one access point that reboots for one keepalive: the reconnect storm",
  faults: ["apReboot"],
  size: 100,
  async strike(ctx, fleet) {
    const ap = await ctx.inject(apReboot(fleet.all));
    await ctx.wait(ctx.client.keepalive * 1000);
    await ctx.heal(ap);
  },
});
