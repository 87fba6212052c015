import { packetDrop } from "../../src/faults/packetDrop.ts";
import { detectsOutageWithin } from "../../src/checks/detectsOutageWithin.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { noBusyLoop } from "../../src/checks/noBusyLoop.ts";
import { reconnectsWithin } from "../../src/checks/reconnectsWithin.ts";
import { protocolScenario } from "./_templates.ts";

/**
 * Every PINGRESP to an idle device is lost; everything else would pass, but an idle client
 * hears nothing else. Its keepalive is all it has (MQTT §3.1.2.10): it must notice the broker
 * has gone quiet within the bound its keepalive promises (1.5 × keepalive + 2 s), drop the
 * connection and reconnect once PINGRESPs flow again.
 */
export default protocolScenario({
  id: "lost-pingresp",
  title: "Every PINGRESP to an idle device lost: the client notices within its keepalive promise and reconnects",
  faults: ["packetDrop"],
  async run(ctx) {
    const { device, targets, bounds } = ctx;
    const lost = await ctx.inject(packetDrop(targets, { packet: "pingresp", direction: "down", count: "all" }));
    await device.down({ within: bounds.outageDetectionMs, what: "client notices the PINGRESPs stopped" });
    await ctx.heal(lost);
    await device.reconnected({ within: bounds.reconnectAfterHealMs, what: "client reconnects once PINGRESPs flow" });
  },
  checks: () => [detectsOutageWithin(["packetDrop"]), reconnectsWithin(), noUncaughtErrors(), noBusyLoop()],
});
