import { scenario, type FleetHandle, type Scenario, type ScenarioContext } from "../../src/scenario/dsl.ts";
import { fleetReconnectsWithin } from "../../src/checks/fleetReconnectsWithin.ts";
import { fleetNoLostAcknowledged } from "../../src/checks/fleetNoLostAcknowledged.ts";
import { fleetSessionsKept } from "../../src/checks/fleetSessionsKept.ts";
import { fleetReconnectSpread } from "../../src/checks/fleetReconnectSpread.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";

/*
 * The outline of the fleet scenarios: N real devices behind one access point, powered on
 * together, each publishing a QoS 1 stream on its own topic and asking the broker to keep its
 * session; then the scenario's fault hits the fleet; every device must come back within its
 * own bound, find its session, and lose nothing it was told was acknowledged.
 * `faraday run --fleet-size N` sets N (the bench runs 10, 50 and 100).
 */

/** Each device publishes once a second: 100 devices are 100 publishes a second through one broker. */
export const FLEET_EVERY_MS = 1000;

export interface FleetOutline {
  id: string;
  title: string;
  faults: string[];
  /** Devices in the fleet unless --fleet-size says otherwise. */
  size: number;
  /**
   * "kept" (default): every device asks the broker to keep its session from its first
   * connection on (clean=false, fresh client ids) and must find it after the fault
   * (fleetSessionsKept). "clean": a clean session each time, nothing to find.
   */
  session?: "kept" | "clean";
  /** The fault(s) on a booted, publishing fleet; resolves once the last one healed. */
  strike(ctx: ScenarioContext, fleet: FleetHandle): Promise<void>;
}

export function fleetScenario(o: FleetOutline): Scenario {
  return scenario({
    id: o.id,
    title: o.title,
    faults: o.faults,
    protocols: ["3.1.1", "5"],
    client: o.session === "clean" ? { clean: true } : { clean: false, clean_init: false, session_expiry: 3600 },
    timeoutMs: 300_000,
    async run(ctx) {
      const { bounds } = ctx;
      const fleet = await ctx.fleet(o.size);
      // Twice one device's bound: the host powers a hundred devices on at once (see the reconnect below).
      await fleet.up({ within: 2 * bounds.connectMs, what: "every device of the fleet connects after power-on" });
      fleet.sample("booted");
      const stream = fleet.publishEvery({ qos: 1, everyMs: FLEET_EVERY_MS });
      await stream.acked(2, { within: 2 * FLEET_EVERY_MS + bounds.deliveryMs, what: "publishes acknowledged before the fault" });
      fleet.sample("steady");
      await o.strike(ctx, fleet);
      // The lab waits twice the bound for the evidence (a host reading a hundred devices reads
      // late); fleetReconnectsWithin judges each device's own bound, on the device's clock.
      await fleet.reconnected({ within: 2 * bounds.reconnectAfterHealMs, what: "every device of the fleet reconnects after the fault" });
      await stream.acked(2, { within: 2 * FLEET_EVERY_MS + bounds.deliveryMs + bounds.reconnectCycleMs, what: "publishes acknowledged again after the fault" });
      await stream.stop();
      fleet.sample("end");
    },
    checks: () => [fleetReconnectsWithin(), fleetNoLostAcknowledged(), ...(o.session === "clean" ? [] : [fleetSessionsKept()]), fleetReconnectSpread(), noUncaughtErrors()],
  });
}
