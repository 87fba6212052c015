import { delivered } from "../../../src/checks/delivered.ts";
import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { opAnswered } from "../../../src/checks/opAnswered.ts";
import { latency } from "../../../src/faults/latency.ts";
import { feature } from "../feature.ts";
import { must, subscribeGranted } from "./_support.ts";

/** One-way delay on the device's link (ms): a slow WAN path, so the order of events is never a matter of luck. */
const LINK_MS = 150;

/**
 * The broker stops delivering on a filter once it has acknowledged the UNSUBSCRIBE (UNSUBACK,
 * MQTT-3.10.4-2, §3.11); a client that tells the application "unsubscribed" must mean that.
 * On a link with 150 ms each way, the device (subscribed to two topics) unsubscribes from one;
 * the moment the client answers, a peer publishes there and then, as a sentinel, on the topic
 * still subscribed. A client that waited for the UNSUBACK never gets the first message; one
 * that answered on sending the UNSUBSCRIBE does (the broker routed it before the UNSUBSCRIBE
 * arrived).
 */
export default feature({
  protocol: "3.1.1",
  id: "unsubscribe-acknowledged",
  spec: "3.11",
  claim: "the client reports an unsubscribe done only once the broker's UNSUBACK came: nothing published after it is delivered (MQTT-3.10.4-2, §3.11)",
  async run(ctx) {
    const { device, peer, topics, bounds, targets, inject } = ctx;
    const gone = `${topics.base}/gone`;
    const kept = `${topics.base}/kept`;
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, gone, 1, "the device subscribes");
    await subscribeGranted(ctx, kept, 1, "the device subscribes to the sentinel topic");
    const pub = await peer("pub");
    await inject(latency(targets, { latencyMs: LINK_MS, direction: "both" }));
    await must(ctx, device.unsubscribe(gone), bounds.deliveryMs + 2 * LINK_MS, "the device unsubscribes");
    await pub.publish(gone, "right-after", { qos: 1 });
    await pub.publish(kept, "sentinel", { qos: 1 });
    await device.received({ topic: kept, payload: "sentinel" }, { within: bounds.deliveryMs + 2 * LINK_MS, what: "the device receives the sentinel" });
  },
  checks: ({ topics }) => [
    opAnswered({ op: "unsubscribe", topic: `${topics.base}/gone`, ok: true }),
    notDelivered({ to: "device", topic: `${topics.base}/gone`, payload: "right-after", guarantee: "nothing published after the client reported the unsubscribe is delivered" }),
    delivered({ to: "device", topic: `${topics.base}/kept`, payload: "sentinel", count: 1 }),
  ],
});
