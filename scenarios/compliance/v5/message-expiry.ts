// MQTT 5 Message Expiry Interval (§3.3.2.3.3): a message the broker holds past its interval is
// not sent on — a retained one, or one queued for an absent device; one within it arrives with
// the interval counted down. One cell each.
import { delivered } from "../../../src/checks/delivered.ts";
import { expiryCountsDown } from "../../../src/checks/expiryCountsDown.ts";
import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { feature } from "../feature.ts";

/** Seconds: the message that must expire before the device could get it, and the one that must not. */
const SHORT = 1;
const LONG = 120;

const retained = feature({
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

const session = feature({
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

export default [retained, session];
