import { packetHold } from "../../src/faults/packetHold.ts";
import { reattemptsAfterLostConnack } from "../../src/checks/reattemptsAfterLostConnack.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { reconnectsWithin } from "../../src/checks/reconnectsWithin.ts";
import { noBusyLoop } from "../../src/checks/noBusyLoop.ts";
import { keepaliveDrop, protocolScenario } from "./_templates.ts";

/**
 * A reconnect's CONNACK is held past the client's response time. The PINGRESPs stop until the
 * client gives its connection up (keepaliveDrop); the CONNACK to its next CONNECT is held until
 * the client reconnects again. The client must not wait for ever on a CONNECT: after its response time it
 * gives that connection up and tries a new one, which gets its CONNACK. Held packets go on at
 * the heal only on a connection still open: a client that gave its connection up never sees
 * that CONNACK.
 */
export default protocolScenario({
  id: "held-connack",
  title: "A reconnect's CONNACK held past the response time: the client tries a new connection within its bound",
  faults: ["packetDrop", "packetHold"],
  async run(ctx) {
    const { device, targets, bounds, client, topics } = ctx;
    const held = await ctx.inject(packetHold(targets, { packet: "connack", direction: "down", count: 1 }));
    await keepaliveDrop(ctx, "client gives up a connection whose PINGRESPs stopped");
    // One CONNACK held (its wait), then a new attempt that gets through.
    await device.up({ within: client.response_time * 1000 + bounds.reconnectAfterHealMs, what: "client connects on a new attempt" });
    await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes again" });
    await ctx.heal(held);
  },
  checks: () => [reattemptsAfterLostConnack(), reconnectsWithin(), noUncaughtErrors(), noBusyLoop()],
});
