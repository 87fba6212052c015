import { brokerRestart } from "../../src/faults/brokerRestart.ts";
import { fleetScenario } from "./_fleet.ts";

/**
 * The broker every device of a 100-device fleet talks to restarts (SIGTERM, straight back on
 * the same port and store, as after an upgrade): every connection ends with a FIN at once and
 * every client reconnects to a broker that has just come up. Sessions survive a clean restart,
 * so every device must find its own, be back within its bound and lose nothing acknowledged.
 */
export default fleetScenario({
  id: "fleet-broker-restart",
  title: "A fleet (100 devices unless --fleet-size) and the broker restarts under it: every client reconnects at once",
  faults: ["brokerRestart"],
  size: 100,
  async strike(ctx, fleet) {
    const f = await ctx.inject(brokerRestart(fleet.all));
    await ctx.heal(f);
  },
});
