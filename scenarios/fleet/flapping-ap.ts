import { apReboot } from "../../src/faults/apReboot.ts";
import { flappingApSchedule } from "../../src/faults/profiles/flappingAp.ts";
import { fleetScenario } from "./_fleet.ts";

/**
 * A rolling flapping AP: the access point of a 100-device fleet drops every station again and
 * again — three outages of 0.5–3 s at irregular (seeded) gaps of 1–5 s — so the fleet's
 * reconnects roll into the next outage: some devices are still on their way back when the AP
 * goes again. After the last outage every device must be back within its bound (clean
 * sessions: the fleet's way back is judged, not its sessions), and nothing acknowledged may be
 * lost; reconnects cut short by the next outage are counted, not timed.
 */
export default fleetScenario({
  id: "fleet-flapping-ap",
  title: "A fleet (100 devices unless --fleet-size) behind an access point that flaps three times (seeded 0.5–3 s outages)",
  faults: ["apReboot"],
  size: 100,
  // Each device starts a clean session on every connection: what is judged is the fleet's way back.
  session: "clean",
  async strike(ctx, fleet) {
    const flaps = flappingApSchedule(ctx.random, { outages: 3 });
    ctx.note(`flapping AP: ${flaps.map((f) => `up ${f.gapMs} ms, down ${f.outageMs} ms`).join("; ")}`);
    for (const flap of flaps) {
      await ctx.wait(flap.gapMs);
      const ap = await ctx.inject(apReboot(fleet.all));
      await ctx.wait(flap.outageMs);
      await ctx.heal(ap);
    }
  },
});
