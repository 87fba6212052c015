import { connackHas } from "../../../src/checks/connackHas.ts";
import { onWire } from "../../../src/checks/onWire.ts";
import { delivered } from "../../../src/checks/delivered.ts";
import { feature } from "../feature.ts";
import { mustOk } from "./_steps.ts";

/** Seconds: long enough for the round trip below (a reconnect of mqtt_as takes ~6 s), short for a session. */
const EXPIRY = 60;

export default feature({
  protocol: "5",
  id: "session-expiry-resume",
  spec: "3.1.2.11.2",
  claim: "a device back within its Session Expiry Interval gets Session Present 1 and the QoS 1 message queued while it was away",
  client: { clean: false, clean_init: true, session_expiry: EXPIRY },
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const t = `${topics.base}/queued`;
    await device.up({ within: bounds.connectMs });
    mustOk(ctx, await device.subscribe(t, 1), `client subscribes ${t}`);
    mustOk(ctx, await device.disconnect(), "client disconnects cleanly");
    const pub = await peer("pub");
    await pub.publish(t, "while-away", { qos: 1 });
    // Clean Start 0 with the same client id, well within the expiry.
    mustOk(ctx, await device.start({ clean_init: false }), "client connects again within the session expiry");
    await device.received({ topic: t, payload: "while-away" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    onWire({ dir: "up", cmd: "connect", where: { clean: false, props: { sessionExpiryInterval: EXPIRY } }, what: `the reconnect asks for Clean Start 0 with Session Expiry Interval ${EXPIRY}`, name: "askedOnWire" }),
    connackHas({ who: "device", nth: 2, sessionPresent: true, guarantee: "MQTT 5 §3.2.2.1.1: a Clean Start 0 reconnect within the Session Expiry Interval gets Session Present 1" }),
    delivered({ to: "device", topic: `${topics.base}/queued`, payload: "while-away", guarantee: "MQTT 5 §3.1.2.11.2, §4.1: the QoS 1 message queued in the kept session is delivered on return" }),
  ],
});
