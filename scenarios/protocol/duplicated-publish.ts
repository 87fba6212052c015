import { packetDuplicate } from "../../src/faults/packetDuplicate.ts";
import { delivered } from "../../src/checks/delivered.ts";
import { eachCopyAcknowledged } from "../../src/checks/eachCopyAcknowledged.ts";
import { staysConnected } from "../../src/checks/staysConnected.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { isFault, isWirePacket } from "../../src/timeline/is.ts";
import type { TimelineEvent } from "../../src/timeline/event.ts";
import { protocolScenario } from "./_templates.ts";

const PAYLOAD = "duplicated";

/**
 * A QoS 1 PUBLISH to the device arrives twice, byte for byte (what a broker's resend of a
 * message whose PUBACK it missed looks like). QoS 1 is at least once: the application gets it
 * (once or twice), the client acknowledges each copy and the connection goes on.
 */
export default protocolScenario({
  id: "duplicated-publish",
  title: "A QoS 1 PUBLISH to the device arrives twice: delivered, acknowledged twice, connection kept",
  faults: ["packetDuplicate"],
  async run(ctx) {
    const { device, observer, topics, targets, bounds, client } = ctx;
    const twice = await ctx.inject(packetDuplicate(targets, { packet: "publish", direction: "down", count: 1 }));
    await observer.publish(topics.down, PAYLOAD, { qos: 1 });
    await device.received({ topic: topics.down, payload: PAYLOAD }, { within: bounds.deliveryMs, what: "client receives the duplicated message" });
    // Both PUBACKs (the checker judges them), or one response time for a client that sends one only.
    const doubled = await ctx.seen((e) => isFault(e, "packet") && e.what === "duplicated", { within: bounds.deliveryMs });
    const id = doubled && isFault(doubled, "packet") ? doubled.messageId : undefined;
    const isAck = (e: TimelineEvent) => isWirePacket(e) && e.dir === "up" && e.cmd === "puback" && e.messageId === id;
    let since = 0;
    for (let copy = 0; copy < 2; copy++) {
      if (!(await ctx.seen(isAck, { within: client.response_time * 1000, since }))) break;
      since = ctx.mark();
    }
    await ctx.heal(twice);
  },
  checks: ({ topics }) => [delivered({ to: "device", topic: topics.down, payload: PAYLOAD }), eachCopyAcknowledged(), staysConnected(), noUncaughtErrors()],
});
