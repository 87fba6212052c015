import { packetDrop } from "../../src/faults/packetDrop.ts";
import { delivered } from "../../src/checks/delivered.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { givesUpWithinMs, protocolScenario, touched, untilReceived } from "./_templates.ts";

/**
 * The SUBACK to one subscribe is lost; the broker did take the subscription. Whatever the
 * client does about it — waits, subscribes again after its response time, reconnects and
 * subscribes anew (mqtt_as) — once it has answered the application or had its time, the
 * subscription must work: the observer's messages to that topic reach the application.
 */
export default protocolScenario({
  id: "lost-suback",
  title: "One SUBACK to the device lost: the subscription works after the client recovers",
  faults: ["packetDrop"],
  async run(ctx) {
    const { device, topics, targets, bounds } = ctx;
    const topic = `${topics.base}/extra`;
    const lost = await ctx.inject(packetDrop(targets, { packet: "suback", direction: "down", count: 1 }));
    await ctx.answered(device.subscribe(topic, 1), { within: givesUpWithinMs(ctx, 0) });
    await touched(ctx, "dropped");
    await ctx.heal(lost);
    await device.up({ within: bounds.reconnectAfterHealMs, what: "client is up after the lost SUBACK" });
    await untilReceived(ctx, topic, "after-lost-suback", "the subscription whose SUBACK was lost delivers");
  },
  checks: ({ topics }) => [
    delivered({ to: "device", topic: `${topics.base}/extra`, name: "subscriptionWorks", guarantee: "after a lost SUBACK the subscription delivers to the application" }),
    noUncaughtErrors(),
  ],
});
