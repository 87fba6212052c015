// The device's v5 properties against mosquitto's own command-line clients (Debian
// mosquitto-clients), each way: one cell per direction.
import { delivered } from "../../../src/checks/delivered.ts";
import { expiryCountsDown } from "../../../src/checks/expiryCountsDown.ts";
import { feature } from "../feature.ts";

/** The PUBLISH properties both ways carry; only the Content Type and Correlation Data differ. */
const props = (base: string, contentType: string, correlationData: string | { hex: string }) => ({
  contentType,
  payloadFormatIndicator: true,
  responseTopic: `${base}/interop/reply`,
  correlationData,
  userProperties: { "site é": "north ✓" },
});

/** From mosquitto_pub: a command line carries no 00 byte and only UTF-8, so its Correlation Data is text. */
const fromPub = (base: string) => props(base, "text/plain; charset=utf-8", "req-é-42");
/** To mosquitto_sub: binary Correlation Data, read back as mosquitto_sub prints it. */
const toSub = (base: string) => props(base, "application/json; charset=utf-8", { hex: "00ff10c3a9" });
const EXPIRY = 3600;

const mosquittoPub = feature({
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
    await mosquittoPub("mpub", t, "bonjour à tous", { qos: 1, props: fromPub(topics.base) });
    await device.received({ topic: t }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    delivered({ to: "device", topic: `${topics.base}/interop/from-mpub`, payload: "bonjour à tous", props: fromPub(topics.base), guarantee: "MQTT 5 §3.3.2.3: what mosquitto_pub sends (-D publish …) reaches the device's application unaltered" }),
  ],
});

const mosquittoSub = feature({
  protocol: "5",
  id: "interop-mosquitto-sub",
  spec: "3.3.2.3",
  claim: "the v5 properties the device publishes are read back exactly by mosquitto's own mosquitto_sub",
  requires: ["mosquitto-clients", "qos1-user-properties"],
  async run({ device, topics, bounds, mosquittoSub }) {
    const t = `${topics.base}/interop/to-msub`;
    await device.up({ within: bounds.connectMs });
    const msub = await mosquittoSub("msub", t, { qos: 1, count: 1 });
    await device.publish(t, '{"t":21.5}', { qos: 1, props: { ...toSub(topics.base), messageExpiryInterval: EXPIRY } });
    await msub.received({ topic: t }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    delivered({ to: "peer:msub", topic: `${topics.base}/interop/to-msub`, payload: '{"t":21.5}', qos: 1, props: toSub(topics.base), guarantee: "MQTT 5 §3.3.2.3: Payload Format Indicator, Content Type, Response Topic, Correlation Data and User Property as mosquitto_sub prints them" }),
    expiryCountsDown({ to: "peer:msub", topic: `${topics.base}/interop/to-msub`, sent: EXPIRY }),
  ],
});

export default [mosquittoPub, mosquittoSub];
