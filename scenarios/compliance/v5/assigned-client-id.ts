import { connackHas } from "../../../src/checks/connackHas.ts";
import { onWire } from "../../../src/checks/onWire.ts";
import { delivered } from "../../../src/checks/delivered.ts";
import { feature } from "../feature.ts";
import { mustOk } from "./_steps.ts";

export default feature({
  protocol: "5",
  id: "assigned-client-id",
  spec: "3.2.2.3.7",
  claim: "a device that connects with an empty client id gets one assigned in CONNACK (Assigned Client Identifier) and works under it",
  requires: ["assigned-client-id", "connack-properties"],
  client: { client_id: "" },
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const t = `${topics.base}/anon`;
    await device.up({ within: bounds.connectMs });
    mustOk(ctx, await device.subscribe(t, 1), `client subscribes ${t}`);
    const pub = await peer("pub");
    await pub.publish(t, "hello", { qos: 1 });
    await device.received({ topic: t, payload: "hello" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    onWire({ dir: "up", cmd: "connect", where: { clientId: "" }, what: "CONNECT with a zero-length client id", name: "emptyIdOnWire" }),
    connackHas({ who: "device", nth: 1, reason: 0, present: ["assignedClientIdentifier"], guarantee: "MQTT 5 §3.2.2.3.7 (MQTT-3.2.2-16): a zero-length client id is answered with an Assigned Client Identifier; the client exposes it" }),
    delivered({ to: "device", topic: `${topics.base}/anon`, payload: "hello" }),
  ],
});
