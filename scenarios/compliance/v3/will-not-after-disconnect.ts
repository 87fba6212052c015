import { delivered } from "../../../src/checks/delivered.ts";
import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { feature } from "../feature.ts";
import { must, willBound } from "./_support.ts";

/**
 * A clean DISCONNECT discards the will [MQTT-3.14.4-3, MQTT-3.1.2-10]: the device connects with
 * a will, then disconnects cleanly; a peer subscribed to the will topic must never get it.
 * A client that skips the DISCONNECT packet (or sends it malformed) leaves the broker a lost
 * connection, and the broker publishes the will — at once when the socket closes, at the latest
 * 1.5 × keepalive later when it does not. The scenario waits out that bound (the broker's own
 * promise, derived from the keepalive) and then has the peer publish a sentinel on the will
 * topic: a will would have come before it.
 */
export default feature({
  protocol: "3.1.1",
  id: "will-not-after-disconnect",
  spec: "3.14.4",
  claim: "no will is published after a clean DISCONNECT (MQTT-3.14.4-3, MQTT-3.1.2-10)",
  client: { keepalive: 4 },
  async run(ctx) {
    const { device, peer, topics, bounds, wait } = ctx;
    const topic = `${topics.base}/status`;
    await device.up({ within: bounds.connectMs });
    await must(ctx, device.disconnect(), bounds.deliveryMs, "the device disconnects before connecting with its will");
    const watch = await peer("watch");
    await watch.subscribe(topic, { qos: 1 });
    await must(ctx, device.start({ will: { topic, payload: "gone", qos: 1, retain: false } }), bounds.connectMs, "the device connects with a will");
    await must(ctx, device.disconnect(), bounds.deliveryMs, "the device disconnects cleanly");
    await wait(willBound(ctx));
    await watch.publish(topic, "sentinel", { qos: 1 });
    await watch.received({ topic, payload: "sentinel" }, { within: bounds.deliveryMs, what: "the sentinel comes back" });
  },
  checks: ({ topics }) => [
    notDelivered({ to: "peer:watch", topic: `${topics.base}/status`, payload: "gone", guarantee: "no will after a clean DISCONNECT (MQTT-3.14.4-3)" }),
    delivered({ to: "peer:watch", topic: `${topics.base}/status`, payload: "sentinel" }),
  ],
});
