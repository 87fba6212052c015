import { delivered } from "../../../src/checks/delivered.ts";
import { onWire } from "../../../src/checks/onWire.ts";
import { feature } from "../feature.ts";
import { mustOk } from "./_steps.ts";

export default feature({
  protocol: "5",
  id: "will-properties",
  spec: "3.1.3.2",
  claim: "the properties of a device's will (Content Type, Payload Format Indicator, Response Topic, Correlation Data, User Property) reach the will's subscriber exactly",
  requires: ["will-properties"],
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const willTopic = `${topics.base}/will`;
    const props = willProps(topics.base);
    await device.up({ within: bounds.connectMs });
    mustOk(ctx, await device.disconnect(), "client disconnects cleanly");
    const w = await peer("will");
    await w.subscribe(willTopic, { qos: 1 });
    mustOk(ctx, await device.start({ will: { topic: willTopic, payload: "device lost", qos: 1, props } }), "client connects with a will that has properties");
    await device.powerOff();
    await w.received({ topic: willTopic }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    onWire({ dir: "up", cmd: "connect", where: { will: { topic: `${topics.base}/will`, props: willProps(topics.base) } }, what: "CONNECT's will carries the properties", name: "propsOnWire" }),
    delivered({ to: "peer:will", topic: `${topics.base}/will`, payload: "device lost", props: willProps(topics.base), guarantee: "MQTT 5 §3.1.3.2 (MQTT-3.3.2-4, -15, -16, -17, -20): the broker publishes the will with the properties the device gave it" }),
  ],
});

function willProps(base: string): Record<string, unknown> {
  return {
    contentType: "text/plain",
    payloadFormatIndicator: true,
    responseTopic: `${base}/will/ack`,
    correlationData: { hex: "00ff01" },
    userProperties: { reason: "power" },
  };
}
