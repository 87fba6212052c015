import { delivered } from "../../../src/checks/delivered.ts";
import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { opAnswered } from "../../../src/checks/opAnswered.ts";
import { staysConnected } from "../../../src/checks/staysConnected.ts";
import { feature } from "../feature.ts";
import { answer, must } from "./_support.ts";

/**
 * A UTF-8 string in MQTT must not contain U+0000, and a receiver that gets one must close the
 * connection [MQTT-1.5.3-2]. So the client must not send a topic with U+0000: the application's
 * QoS 1 publish on `<base>/bad<U+0000>topic` has to be refused by the client itself, at once,
 * with its connection intact. A client that puts it on the wire is disconnected by the broker
 * (and may then keep resending it after every reconnect). Afterwards an ordinary publish must
 * still reach a peer subscribed to `<base>/#`, which must never see the bad topic.
 */
export default feature({
  protocol: "3.1.1",
  id: "topic-null-char",
  spec: "1.5.3",
  claim: "the client refuses to send a topic containing U+0000 and keeps its connection (MQTT-1.5.3-2)",
  requires: ["topic-validation"],
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    await device.up({ within: bounds.connectMs });
    const watch = await peer("watch");
    await watch.subscribe(`${topics.base}/#`, { qos: 1 });
    // The answer is what is judged (opAnswered): wait for it, but do not stop without one.
    await answer(device.publish(`${topics.base}/bad\u0000topic`, "must-not-be-sent", { qos: 1 }), bounds.deliveryMs);
    await must(ctx, device.publish(`${topics.base}/good`, "sentinel", { qos: 1 }), bounds.deliveryMs, "the device still publishes afterwards");
    await watch.received({ topic: `${topics.base}/good`, payload: "sentinel" }, { within: bounds.deliveryMs, what: "the peer receives the sentinel" });
  },
  checks: ({ topics }) => [
    opAnswered({ op: "publish", topic: `${topics.base}/bad\u0000topic`, ok: false, guarantee: "the client refuses a topic with U+0000 (MQTT-1.5.3-2)" }),
    staysConnected({ guarantee: "the client did not send the malformed topic (the broker would close the connection, MQTT-1.5.3-2)" }),
    notDelivered({ to: "peer:watch", topic: `${topics.base}/bad`, topicPrefix: true }),
    delivered({ to: "peer:watch", topic: `${topics.base}/good`, payload: "sentinel" }),
  ],
});
