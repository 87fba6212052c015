import { packetDrop } from "../../src/faults/packetDrop.ts";
import { delivered } from "../../src/checks/delivered.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { reconnectsWithin } from "../../src/checks/reconnectsWithin.ts";
import { isFault } from "../../src/timeline/is.ts";
import { keepaliveDrop, protocolScenario } from "./_templates.ts";

const PAYLOAD = "device-puback-lost";

/**
 * The device's PUBACK for a QoS 1 message to it is lost on its way to the broker. The broker
 * must deliver it again: MQTT 3.1.1 lets it resend in the session or on reconnect, MQTT 5 only
 * on reconnect (§4.4) — so the session is kept (clean=false) and, after one response time and
 * a second in which a broker may resend by itself, the client is made to reconnect
 * (its PINGRESPs stop until it gives the connection up). The message
 * comes again with DUP set (what each broker did is on the wire: `wire packet` down, dup);
 * the application must not be hurt: it has the message, and what the observer publishes after
 * the reconnect reaches it too.
 */
export default protocolScenario({
  id: "lost-device-puback",
  title: "The device's PUBACK for a message to it lost: the broker resends, the application is not hurt",
  faults: ["packetDrop"],
  client: { clean: false },
  async run(ctx) {
    const { device, observer, topics, targets, bounds, client } = ctx;
    const lost = await ctx.inject(packetDrop(targets, { packet: "puback", direction: "up", count: 1 }));
    await observer.publish(topics.down, PAYLOAD, { qos: 1 });
    await device.received({ topic: topics.down, payload: PAYLOAD }, { within: bounds.deliveryMs, what: "client receives the message whose PUBACK is lost" });
    // A client may hand the message over before it sends the PUBACK: go on once that is gone.
    await ctx.seen((e) => isFault(e, "packet") && e.what === "dropped", { within: bounds.deliveryMs, what: "the device's PUBACK is sent (and dropped)" });
    // A broker that resends in the session does it now (3.1.1 allows it); the others on reconnect.
    await ctx.wait(client.response_time * 1000 + 1000);
    await keepaliveDrop(ctx, "client gives up a connection whose PINGRESPs stopped");
    await device.reconnected({ within: bounds.reconnectAfterHealMs, what: "client reconnects" });
    await observer.publish(topics.down, "after-reconnect", { qos: 1 });
    await device.received({ topic: topics.down, payload: "after-reconnect" }, { within: bounds.deliveryMs, what: "client receives after the reconnect" });
    // Healed only now (it took its one PUBACK long ago): its span covers the reconnect, which is
    // the PINGRESP drop's doing, so reconnectsWithin judges that against the drop alone.
    await ctx.heal(lost);
  },
  checks: ({ topics }) => [
    delivered({ to: "device", topic: topics.down, payload: PAYLOAD }),
    delivered({ to: "device", topic: topics.down, payload: "after-reconnect", name: "deliveredAfterReconnect" }),
    reconnectsWithin(),
    noUncaughtErrors(),
  ],
});
