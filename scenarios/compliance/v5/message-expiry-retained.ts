import { delivered } from "../../../src/checks/delivered.ts";
import { expiryCountsDown } from "../../../src/checks/expiryCountsDown.ts";
import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { feature } from "../feature.ts";

const SHORT = 1;
const LONG = 120;

export default feature({
  protocol: "5",
  id: "message-expiry-retained",
  spec: "3.3.2.3.3",
  claim: "a retained message past its Message Expiry Interval is not sent to a device that subscribes later; a live one is, with the interval counted down",
  requires: ["message-expiry"],
  async run(ctx) {
    const { device, peer, topics, bounds, wait } = ctx;
    await device.up({ within: bounds.connectMs });
    const pub = await peer("pub");
    await pub.publish(`${topics.base}/ret/short`, "short", { qos: 1, retain: true, props: { messageExpiryInterval: SHORT } });
    await pub.publish(`${topics.base}/ret/long`, "long", { qos: 1, retain: true, props: { messageExpiryInterval: LONG } });
    // Past the short one's expiry (its interval + 2 s: whole-second broker clocks).
    await wait((SHORT + 2) * 1000);
    await ctx.answered(device.subscribe(`${topics.base}/ret/#`, 1), { within: bounds.connectMs, what: "client subscribes to the retained topics" });
    await device.received({ topic: `${topics.base}/ret/long`, payload: "long" }, { within: bounds.deliveryMs });
    // Sentinel on the short topic, published after the SUBACK: a retained copy would come first.
    await pub.publish(`${topics.base}/ret/short`, "sentinel", { qos: 1 });
    await device.received({ topic: `${topics.base}/ret/short`, payload: "sentinel" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    notDelivered({ to: "device", topic: `${topics.base}/ret/short`, payload: "short", guarantee: "MQTT 5 §3.3.2.3.3: an expired retained message is not sent to a new subscriber" }),
    delivered({ to: "device", topic: `${topics.base}/ret/long`, payload: "long", retain: true }),
    expiryCountsDown({ to: "device", topic: `${topics.base}/ret/long`, payload: "long", sent: LONG }),
  ],
});
