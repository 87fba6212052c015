import { delivered } from "../../../src/checks/delivered.ts";
import { expiryCountsDown } from "../../../src/checks/expiryCountsDown.ts";
import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { feature } from "../feature.ts";

/** Seconds: the message that must expire while the device is away, and the one that must not. */
const SHORT = 1;
const LONG = 120;

export default feature({
  protocol: "5",
  id: "message-expiry-session",
  spec: "3.3.2.3.3",
  claim: "a message queued for an absent device expires after its Message Expiry Interval; a live one arrives with the interval counted down",
  requires: ["message-expiry"],
  client: { clean: false, clean_init: true, session_expiry: 300 },
  async run(ctx) {
    const { device, peer, topics, bounds, wait } = ctx;
    const t = `${topics.base}/expiring`;
    await device.up({ within: bounds.connectMs });
    await ctx.answered(device.subscribe(t, 1), { within: bounds.connectMs, what: `client subscribes ${t}` });
    await ctx.answered(device.disconnect(), { within: bounds.connectMs, what: "client disconnects cleanly" });
    const pub = await peer("pub");
    await pub.publish(t, "short", { qos: 1, props: { messageExpiryInterval: SHORT } });
    await pub.publish(t, "long", { qos: 1, props: { messageExpiryInterval: LONG } });
    // Past the short one's expiry: its interval plus 2 s, because a broker that counts whole
    // seconds may still hold a 1 s message for just under 2 s.
    await wait((SHORT + 2) * 1000);
    await ctx.answered(device.start({ clean_init: false }), { within: bounds.connectMs, what: "client connects again within the session expiry" });
    // "long" was queued after "short" (§4.6 order): once it is here, "short" would be too.
    await device.received({ topic: t, payload: "long" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    notDelivered({ to: "device", topic: `${topics.base}/expiring`, payload: "short", guarantee: "MQTT 5 §3.3.2.3.3: a message whose Message Expiry Interval passed before onward delivery began is not delivered" }),
    delivered({ to: "device", topic: `${topics.base}/expiring`, payload: "long" }),
    expiryCountsDown({ to: "device", topic: `${topics.base}/expiring`, payload: "long", sent: LONG }),
  ],
});
