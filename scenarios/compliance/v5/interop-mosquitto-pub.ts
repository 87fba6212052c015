import { delivered } from "../../../src/checks/delivered.ts";
import { feature } from "../feature.ts";

// A command line carries no 00 byte and only UTF-8: the Correlation Data here is text.
const props = (base: string) => ({
  contentType: "text/plain; charset=utf-8",
  payloadFormatIndicator: true,
  responseTopic: `${base}/interop/reply`,
  correlationData: "req-é-42",
  userProperties: { "site é": "north ✓" },
});

export default feature({
  protocol: "5",
  id: "interop-mosquitto-pub",
  spec: "3.3.2.3",
  claim: "the v5 properties mosquitto's own mosquitto_pub sends are handed to the device's application exactly",
  requires: ["mosquitto-clients"],
  async run(ctx) {
    const { device, topics, bounds, mosquittoPub } = ctx;
    const t = `${topics.base}/interop/from-mpub`;
    await device.up({ within: bounds.connectMs });
    await ctx.answered(device.subscribe(t, 1), { within: bounds.connectMs, what: `client subscribes ${t}` });
    await mosquittoPub("mpub", t, "bonjour à tous", { qos: 1, props: props(topics.base) });
    await device.received({ topic: t }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    delivered({ to: "device", topic: `${topics.base}/interop/from-mpub`, payload: "bonjour à tous", props: props(topics.base), guarantee: "MQTT 5 §3.3.2.3: what mosquitto_pub sends (-D publish …) reaches the device's application unaltered" }),
  ],
});
