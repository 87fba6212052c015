import { packetDrop } from "../../src/faults/packetDrop.ts";
import { notDelivered } from "../../src/checks/notDelivered.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { givesUpWithinMs, protocolScenario, touched, untilReceived } from "./_templates.ts";

const AFTER = "after-lost-unsuback";

/**
 * The UNSUBACK to one unsubscribe is lost; the broker did remove the subscription. The client
 * subscribes to a topic and receives on it; then the unsubscribe's UNSUBACK is lost. Whatever
 * the client does about it (waits, unsubscribes again, reconnects: mqtt_as), once it has
 * answered the application or had its time, nothing more on that topic reaches the application.
 */
export default protocolScenario({
  id: "lost-unsuback",
  title: "One UNSUBACK to the device lost: the topic stays unsubscribed after the client recovers",
  faults: ["packetDrop"],
  async run(ctx) {
    const { device, observer, topics, targets, bounds } = ctx;
    const topic = `${topics.base}/extra`;
    await ctx.answered(device.subscribe(topic, 1), { within: bounds.deliveryMs, what: "client subscribes to the extra topic" });
    await untilReceived(ctx, topic, "before", "the extra subscription delivers before the unsubscribe");
    const lost = await ctx.inject(packetDrop(targets, { packet: "unsuback", direction: "down", count: 1 }));
    await ctx.answered(device.unsubscribe(topic), { within: givesUpWithinMs(ctx, 0) });
    await touched(ctx, "dropped");
    await ctx.heal(lost);
    await device.up({ within: bounds.reconnectAfterHealMs, what: "client is up after the lost UNSUBACK" });
    // A probe on the down topic the client does hold, after the one on the unsubscribed topic:
    // once it arrived, the broker had routed the earlier message too.
    await observer.publish(topic, AFTER, { qos: 1 });
    await untilReceived(ctx, topics.down, "probe", "the client still receives on its own topic");
  },
  checks: ({ topics }) => [
    notDelivered({ to: "device", topic: `${topics.base}/extra`, payload: AFTER, name: "unsubscribeWorks", guarantee: "after a lost UNSUBACK no message on the topic reaches the application" }),
    noUncaughtErrors(),
  ],
});
