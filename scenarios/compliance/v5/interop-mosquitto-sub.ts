import { delivered } from "../../../src/checks/delivered.ts";
import { expiryCountsDown } from "../../../src/checks/expiryCountsDown.ts";
import { feature } from "../feature.ts";

const EXPIRY = 3600;
const props = (base: string) => ({
  contentType: "application/json; charset=utf-8",
  payloadFormatIndicator: true,
  responseTopic: `${base}/interop/reply`,
  correlationData: { hex: "00ff10c3a9" },
  userProperties: { "site é": "north ✓" },
});

export default feature({
  protocol: "5",
  id: "interop-mosquitto-sub",
  spec: "3.3.2.3",
  claim: "the v5 properties the device publishes are read back exactly by mosquitto's own mosquitto_sub",
  requires: ["mosquitto-clients", "qos1-user-properties"],
  async run({ device, topics, bounds, mosquittoSub }) {
    const t = `${topics.base}/interop/to-msub`;
    await device.up({ within: bounds.connectMs });
    const msub = await mosquittoSub("msub", t, { qos: 1, count: 1 });
    await device.publish(t, '{"t":21.5}', { qos: 1, props: { ...props(topics.base), messageExpiryInterval: EXPIRY } });
    await msub.received({ topic: t }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    delivered({ to: "peer:msub", topic: `${topics.base}/interop/to-msub`, payload: '{"t":21.5}', qos: 1, props: props(topics.base), guarantee: "MQTT 5 §3.3.2.3: Payload Format Indicator, Content Type, Response Topic, Correlation Data and User Property as mosquitto_sub prints them" }),
    expiryCountsDown({ to: "peer:msub", topic: `${topics.base}/interop/to-msub`, sent: EXPIRY }),
  ],
});
