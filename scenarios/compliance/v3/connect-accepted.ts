import { connackReceived } from "../../../src/checks/connackReceived.ts";
import { delivered } from "../../../src/checks/delivered.ts";
import { feature } from "../feature.ts";
import { must } from "./_support.ts";

/**
 * The simplest connection: a fresh client id with Clean Session 1. The broker accepts it
 * (CONNACK return code 0) and, the session being new, says Session Present 0
 * [MQTT-3.2.2-1]. The connection is then proven usable end to end: a QoS 1 publish of the
 * device reaches a peer.
 */
export default feature({
  protocol: "3.1.1",
  id: "connect-accepted",
  spec: "3.2.2.3",
  claim: "a CONNECT with Clean Session 1 is accepted with return code 0 and Session Present 0 (MQTT-3.2.2-1)",
  client: { clean: true },
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    await device.up({ within: bounds.connectMs });
    const sub = await peer("sub");
    await sub.subscribe(`${topics.base}/hello`, { qos: 1 });
    await must(ctx, device.publish(`${topics.base}/hello`, "connected", { qos: 1 }), bounds.deliveryMs, "the device publishes on its new connection");
    await sub.received({ topic: `${topics.base}/hello` }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    connackReceived({ nth: 1, sessionPresent: false, reason: 0 }),
    delivered({ to: "peer:sub", topic: `${topics.base}/hello`, payload: "connected", qos: 1 }),
  ],
});
