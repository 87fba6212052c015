import { delivered } from "../../../src/checks/delivered.ts";
import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { feature } from "../feature.ts";
import { event, subscribeGranted } from "./_support.ts";

/**
 * mosquitto's $SYS interval (sys_interval, default 10 s): how often it publishes its $SYS
 * topics. A broker that publishes them less often would need a longer bound.
 */
const SYS_INTERVAL_MS = 10_000;

/**
 * A filter that starts with a wildcard never matches a topic that starts with `$`
 * [MQTT-4.7.2-1]. The device subscribes to `#`; a peer subscribes to `$SYS/#` and must see
 * the broker publish there — a live (RETAIN 0) `$SYS/broker/uptime` update, which the broker
 * sent to every matching subscription after the device's `#` existed (retained copies sent at
 * subscribe time would prove nothing). Then a peer's message on the run's own topics reaches
 * the device: `#` works, and the device's receipts hold no `$SYS` topic.
 */
export default feature({
  protocol: "3.1.1",
  id: "sys-not-matched",
  spec: "4.7.2",
  requires: ["sys-topics"],
  claim: "a `#` subscription does not receive `$SYS` topics the broker publishes (MQTT-4.7.2-1)",
  timeoutMs: 90_000,
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, "#", 0, "the device subscribes to `#`");
    const sys = await peer("sys");
    await sys.subscribe("$SYS/#", { qos: 0 });
    await event(
      ctx,
      (e) => e.src === "peer" && e.kind === "recv" && e.peer === "sys" && e.topic === "$SYS/broker/uptime" && e.retain === false,
      SYS_INTERVAL_MS + bounds.deliveryMs,
      "the broker publishes a live $SYS/broker/uptime (its $SYS interval plus one exchange)",
    );
    await sys.publish(`${topics.base}/after-sys`, "sentinel", { qos: 1 });
    await device.received({ topic: `${topics.base}/after-sys`, payload: "sentinel" }, { within: bounds.deliveryMs, what: "`#` delivers the run's own topic" });
  },
  checks: ({ topics }) => [
    delivered({ name: "sysPublished", to: "peer:sys", topic: "$SYS/broker/uptime", retain: false, guarantee: "the broker does publish $SYS topics (a live update reached $SYS/#)" }),
    notDelivered({ name: "noSysThroughHash", to: "device", topic: "$", topicPrefix: true, guarantee: "`#` matches no topic beginning with $ (MQTT-4.7.2-1)" }),
    delivered({ name: "hashWorks", to: "device", topic: `${topics.base}/after-sys`, payload: "sentinel" }),
  ],
});
