import { delivered } from "../../../src/checks/delivered.ts";
import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { feature } from "../feature.ts";
import { must } from "./_support.ts";

/**
 * A retained PUBLISH with a zero-length payload clears the topic's retained message
 * [MQTT-3.3.1-10] and is not itself stored [MQTT-3.3.1-11]. The device publishes "on" retained,
 * then an empty retained message; a peer subscribing afterwards must get neither. Absence by
 * sentinel: a broker sends retained messages right after the SUBACK, so once the device's next,
 * ordinary publish on the topic reached the late peer, anything retained would have come first.
 */
export default feature({
  protocol: "3.1.1",
  id: "retain-clear",
  spec: "3.3.1.3",
  claim: "a zero-length retained publish clears the retained message: a later subscriber gets nothing retained (MQTT-3.3.1-10/11)",
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const topic = `${topics.base}/state`;
    await device.up({ within: bounds.connectMs });
    await must(ctx, device.publish(topic, "on", { qos: 1, retain: true }), bounds.deliveryMs, "the device publishes a retained message");
    await must(ctx, device.publish(topic, "", { qos: 1, retain: true }), bounds.deliveryMs, "the device publishes a zero-length retained message");
    const late = await peer("late");
    await late.subscribe(topic, { qos: 1 });
    await must(ctx, device.publish(topic, "sentinel", { qos: 1 }), bounds.deliveryMs, "the device publishes the sentinel");
    await late.received({ topic, payload: "sentinel" }, { within: bounds.deliveryMs, what: "the late subscriber gets the sentinel" });
  },
  checks: ({ topics }) => [
    notDelivered({ name: "clearedNotSent", to: "peer:late", topic: `${topics.base}/state`, payload: "on", guarantee: "the cleared retained message is not sent (MQTT-3.3.1-10)" }),
    notDelivered({ name: "emptyNotStored", to: "peer:late", topic: `${topics.base}/state`, payload: "", guarantee: "a zero-length retained message is not stored (MQTT-3.3.1-11)" }),
    delivered({ to: "peer:late", topic: `${topics.base}/state`, payload: "sentinel", retain: false }),
  ],
});
