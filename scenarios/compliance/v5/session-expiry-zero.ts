import { connackHas } from "../../../src/checks/connackHas.ts";
import { delivered } from "../../../src/checks/delivered.ts";
import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { feature } from "../feature.ts";
import { mustOk } from "./_steps.ts";

export default feature({
  protocol: "5",
  id: "session-expiry-zero",
  spec: "3.1.2.11.2",
  claim: "with Session Expiry Interval 0 the session ends with the connection: a Clean Start 0 reconnect gets Session Present 0 and nothing queued",
  client: { clean: false, clean_init: true, session_expiry: 0 },
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const t = `${topics.base}/gone`;
    await device.up({ within: bounds.connectMs });
    mustOk(ctx, await device.subscribe(t, 1), `client subscribes ${t}`);
    mustOk(ctx, await device.disconnect(), "client disconnects cleanly");
    const pub = await peer("pub");
    await pub.publish(t, "while-away", { qos: 1 });
    mustOk(ctx, await device.start({ clean_init: false }), "client connects again (Clean Start 0)");
    // The sentinel: published after the new subscription, so a message still queued from an old
    // session would have reached the device before it.
    mustOk(ctx, await device.subscribe(t, 1), `client subscribes ${t} again`);
    await pub.publish(t, "sentinel", { qos: 1 });
    await device.received({ topic: t, payload: "sentinel" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    connackHas({ who: "device", nth: 2, sessionPresent: false, guarantee: "MQTT 5 §3.1.2.11.2: with expiry 0 the session ended with the network connection, so Session Present is 0" }),
    notDelivered({ to: "device", topic: `${topics.base}/gone`, payload: "while-away", guarantee: "MQTT 5 §3.1.2.11.2: nothing is queued for a session that ended" }),
    delivered({ to: "device", topic: `${topics.base}/gone`, payload: "sentinel" }),
  ],
});
