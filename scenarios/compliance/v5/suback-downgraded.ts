import { delivered } from "../../../src/checks/delivered.ts";
import { opAnswered } from "../../../src/checks/opAnswered.ts";
import { feature } from "../feature.ts";

/** The broker grants at most QoS 0 (mosquitto `max_qos 0`). */
const MAX_QOS = 0;

export default feature({
  protocol: "5",
  id: "suback-downgraded",
  spec: "3.9.3",
  claim: "a SUBACK granting a lower QoS than asked is reported to the application, and messages then arrive at the granted QoS",
  requires: ["operation-properties", "broker-settings"],
  broker: { settings: { maxQos: MAX_QOS } },
  async run({ device, peer, topics, bounds }) {
    const t = `${topics.base}/capped`;
    await device.up({ within: bounds.connectMs });
    await device.subscribe(t, 1);
    const pub = await peer("pub");
    // QoS 0: this broker refuses anything higher from publishers too.
    await pub.publish(t, "capped", { qos: 0 });
    await device.received({ topic: t, payload: "capped" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    opAnswered({ op: "subscribe", topic: `${topics.base}/capped`, ok: true, granted: [MAX_QOS], guarantee: "MQTT 5 §3.9.3: the SUBACK's reason code is the granted QoS (0x00), lower than the QoS 1 asked; the client reports it" }),
    delivered({ to: "device", topic: `${topics.base}/capped`, payload: "capped", qos: MAX_QOS, guarantee: "MQTT 5 §3.8.4: a message is delivered at the lower of its QoS and the granted one" }),
  ],
});
