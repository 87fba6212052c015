import { delivered } from "../../../src/checks/delivered.ts";
import { opAnswered } from "../../../src/checks/opAnswered.ts";
import { latency } from "../../../src/faults/latency.ts";
import { feature } from "../feature.ts";
import { must } from "./_support.ts";

/** One-way delay on the device's link (ms): a slow WAN path, so the order of events is never a matter of luck. */
const LINK_MS = 150;

/**
 * A subscription exists once the broker granted it with its SUBACK (§3.8.4, §3.9); a client
 * that tells the application "subscribed" must mean that, or the application's next step — a
 * request whose answer comes on that topic — races the SUBSCRIBE. On a link with 150 ms each
 * way, the device subscribes; the moment the client answers, a peer publishes on the topic.
 * A client that waited for the SUBACK has a granted subscription by then and must receive the
 * message; one that answered on sending the SUBSCRIBE loses it (the broker gets the peer's
 * message first and routes it to nobody).
 */
export default feature({
  protocol: "3.1.1",
  id: "subscribe-acknowledged",
  spec: "3.9",
  claim: "the client reports a subscribe done only once the broker's SUBACK granted it: a message published right after is delivered (§3.8.4, §3.9)",
  async run(ctx) {
    const { device, peer, topics, bounds, targets, inject } = ctx;
    const topic = `${topics.base}/reply`;
    await device.up({ within: bounds.connectMs });
    const pub = await peer("pub");
    await inject(latency(targets, { latencyMs: LINK_MS, direction: "both" }));
    await must(ctx, device.subscribe(topic, 1), bounds.deliveryMs + 2 * LINK_MS, "the device subscribes");
    await pub.publish(topic, "right-after", { qos: 1 });
    await device.received({ topic, payload: "right-after" }, { within: bounds.deliveryMs + 2 * LINK_MS, what: "the device receives the message published right after its subscribe was answered" });
  },
  checks: ({ topics }) => [
    opAnswered({ op: "subscribe", topic: `${topics.base}/reply`, ok: true }),
    delivered({ to: "device", topic: `${topics.base}/reply`, payload: "right-after", count: 1 }),
  ],
});
