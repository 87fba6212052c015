import { delivered } from "../../../src/checks/delivered.ts";
import { onWire } from "../../../src/checks/onWire.ts";
import { feature } from "../feature.ts";
import { mustOk } from "./_steps.ts";

export default feature({
  protocol: "5",
  id: "retain-as-published",
  spec: "3.8.3.1",
  claim: "with Retain As Published, a retained message forwarded live keeps its RETAIN flag for the device (a subscriber without the option sees it cleared)",
  requires: ["subscription-options"],
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const t = `${topics.base}/state`;
    await device.up({ within: bounds.connectMs });
    mustOk(ctx, await device.subscribe(t, 1, { options: { rap: true } }), `client subscribes ${t} with Retain As Published`);
    const plain = await peer("plain");
    await plain.subscribe(t, { qos: 1, options: { rap: false } });
    const pub = await peer("pub");
    // Published after both subscriptions exist: forwarded live, not as a stored retained message.
    await pub.publish(t, "on", { qos: 1, retain: true });
    await device.received({ topic: t, payload: "on" }, { within: bounds.deliveryMs });
    await plain.received({ topic: t, payload: "on" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    onWire({ dir: "up", cmd: "subscribe", where: { subscriptions: [{ topic: `${topics.base}/state`, ...{ qos: 1, nl: false, rap: true, rh: 0 } }] }, what: "SUBSCRIBE carries the option (Retain As Published)", name: "optionOnWire" }),
    delivered({ to: "device", topic: `${topics.base}/state`, payload: "on", retain: true, guarantee: "MQTT 5 §3.3.1.3 (MQTT-3.3.1-13): with Retain As Published the RETAIN flag is kept on a live forward; the client reports it" }),
    delivered({ to: "peer:plain", topic: `${topics.base}/state`, payload: "on", retain: false, name: "controlRetainCleared", guarantee: "control, MQTT 5 §3.3.1.3 (MQTT-3.3.1-12): without the option the broker clears RETAIN on a live forward" }),
  ],
});
