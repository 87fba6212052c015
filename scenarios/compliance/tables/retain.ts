// Retained messages: what both protocols keep (§3.3.1.3), and MQTT 5's subscription options for
// them. No default export: v3/retain.ts and v5/retain.ts take the cells.
import { brokerSent } from "../../../src/checks/brokerSent.ts";
import { delivered } from "../../../src/checks/delivered.ts";
import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { BOTH, citing, feature } from "../feature.ts";
import { optionOnWire, subscribeGranted } from "../steps.ts";

const retainSet = feature({
  protocols: BOTH,
  id: "retain-set",
  spec: "3.3.1.3",
  claim: "a retained message the device publishes is sent to a later subscriber with RETAIN set",
  requires: ["retain"],
  async run({ device, peer, topics, bounds }) {
    await device.up({ within: bounds.connectMs });
    const ack = await device.publish(`${topics.base}/state`, "on", { qos: 1, retain: true });
    if (!ack.ok) return;
    const late = await peer("late");
    await late.subscribe(`${topics.base}/state`, { qos: 1 });
    await late.received({ topic: `${topics.base}/state` }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [delivered({ to: "peer:late", topic: `${topics.base}/state`, payload: "on", retain: true })],
});

/**
 * A retained PUBLISH with a zero-length payload clears the topic's retained message
 * [MQTT-3.3.1-10] and is not itself stored [MQTT-3.3.1-11]. The device publishes "on" retained,
 * then an empty retained message; a peer subscribing afterwards must get neither. Absence by
 * sentinel: a broker sends retained messages right after the SUBACK, so once the device's next,
 * ordinary publish on the topic reached the late peer, anything retained would have come first.
 */
const retainClear = feature({
  protocols: BOTH,
  id: "retain-clear",
  spec: "3.3.1.3",
  claim: citing("a zero-length retained publish clears the retained message: a later subscriber gets nothing retained", "MQTT-3.3.1-10/11"),
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const topic = `${topics.base}/state`;
    const within = bounds.deliveryMs;
    await device.up({ within: bounds.connectMs });
    await ctx.answered(device.publish(topic, "on", { qos: 1, retain: true }), { within, what: "the device publishes a retained message" });
    await ctx.answered(device.publish(topic, "", { qos: 1, retain: true }), { within, what: "the device publishes a zero-length retained message" });
    const late = await peer("late");
    await late.subscribe(topic, { qos: 1 });
    await ctx.answered(device.publish(topic, "sentinel", { qos: 1 }), { within, what: "the device publishes the sentinel" });
    await late.received({ topic, payload: "sentinel" }, { within, what: "the late subscriber gets the sentinel" });
  },
  checks: ({ topics }) => [
    notDelivered({ name: "clearedNotSent", to: "peer:late", topic: `${topics.base}/state`, payload: "on", guarantee: "the cleared retained message is not sent (MQTT-3.3.1-10)" }),
    notDelivered({ name: "emptyNotStored", to: "peer:late", topic: `${topics.base}/state`, payload: "", guarantee: "a zero-length retained message is not stored (MQTT-3.3.1-11)" }),
    delivered({ to: "peer:late", topic: `${topics.base}/state`, payload: "sentinel", retain: false }),
  ],
});

/**
 * A retained message reaches a new subscriber — the device — with RETAIN 1 [MQTT-3.3.1-6,
 * MQTT-3.3.1-8]: a peer publishes retained, then the device subscribes. The client must hand
 * the message on and tell the application it was retained (a stale value, not news); on the
 * wire the broker's log shows the RETAIN flag it sent and the client's PUBACK.
 */
const retainedToDevice = feature({
  protocols: BOTH,
  id: "retained-to-device",
  spec: "3.3.1.3",
  claim: citing("a retained message is sent to the device when it subscribes, with the RETAIN flag set", "MQTT-3.3.1-6, MQTT-3.3.1-8"),
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const topic = `${topics.base}/config`;
    await device.up({ within: bounds.connectMs });
    const pub = await peer("pub");
    await pub.publish(topic, "interval=60", { qos: 1, retain: true });
    await subscribeGranted(ctx, topic, 1, "the device subscribes");
    await device.received({ topic }, { within: bounds.deliveryMs, what: "the device gets the retained message" });
  },
  checks: ({ topics }) => [
    delivered({ to: "device", topic: `${topics.base}/config`, payload: "interval=60", retain: true, count: 1 }),
    brokerSent({ topic: `${topics.base}/config`, retain: true, qos: 1, completed: true }),
  ],
});

/**
 * MQTT 5 Retain Handling (§3.8.3.1): whether the broker sends the retained message at subscribe.
 * A peer has stored one; the device subscribes (with 0 and 1 twice, the second a repeat of the
 * same subscription); then the peer publishes a live sentinel, after the last SUBACK, so a
 * retained copy the broker owed comes first. 0 (the default, which a client that cannot set
 * subscription options sends too): at every subscribe; 1: for a new subscription only; 2: never.
 */
const HANDLING = [
  {
    claim: "with Retain Handling 0 the retained message is sent at every subscribe, a repeated one included",
    again: "client subscribes again (Retain Handling 0)",
    stored: { retain: true, count: 2, guarantee: "MQTT 5 §3.8.3.1, §3.3.1.3 (MQTT-3.3.1-9): Retain Handling 0 sends the retained message at each subscribe, with RETAIN set" },
  },
  {
    claim: "with Retain Handling 1 the retained message is sent for a new subscription only, not when the same subscription is repeated",
    again: "client repeats the subscription (Retain Handling 1)",
    stored: { retain: true, count: 1, guarantee: "MQTT 5 §3.8.3.1 (MQTT-3.3.1-10): Retain Handling 1 sends the retained message only if the subscription did not exist" },
  },
  {
    claim: "with Retain Handling 2 no retained message is sent at subscribe; live messages still are",
    stored: { guarantee: "MQTT 5 §3.8.3.1 (MQTT-3.3.1-11): Retain Handling 2 sends no retained message at subscribe" },
  },
] as const;

const retainHandling = ([0, 1, 2] as const).map((rh) => {
  const h: (typeof HANDLING)[number] = HANDLING[rh];
  return feature({
    protocol: "5",
    id: `retain-handling-${rh}`,
    spec: "3.8.3.1",
    claim: h.claim,
    ...(rh > 0 ? { requires: ["subscription-options"] } : {}),
    async run(ctx) {
      const { device, peer, topics, bounds } = ctx;
      const t = `${topics.base}/state`;
      const within = bounds.connectMs;
      await device.up({ within: bounds.connectMs });
      const pub = await peer("pub");
      await pub.publish(t, "stored", { qos: 1, retain: true });
      await ctx.answered(device.subscribe(t, 1, { options: { rh } }), { within, what: `client subscribes (Retain Handling ${rh})` });
      if ("again" in h) {
        await device.received({ topic: t, payload: "stored" }, { within: bounds.deliveryMs });
        await ctx.answered(device.subscribe(t, 1, { options: { rh } }), { within, what: h.again });
      }
      await pub.publish(t, "live", { qos: 1 });
      await device.received({ topic: t, payload: "live" }, { within: bounds.deliveryMs });
    },
    checks: ({ topics }) => [
      ...(rh > 0 ? [optionOnWire(`${topics.base}/state`, { rh }, `Retain Handling ${rh}`)] : []),
      "retain" in h.stored ? delivered({ to: "device", topic: `${topics.base}/state`, payload: "stored", ...h.stored }) : notDelivered({ to: "device", topic: `${topics.base}/state`, payload: "stored", ...h.stored }),
      delivered({ to: "device", topic: `${topics.base}/state`, payload: "live" }),
    ],
  });
});

const retainAsPublished = feature({
  protocol: "5",
  id: "retain-as-published",
  spec: "3.8.3.1",
  claim: "with Retain As Published, a retained message forwarded live keeps its RETAIN flag for the device (a subscriber without the option sees it cleared)",
  requires: ["subscription-options"],
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const t = `${topics.base}/state`;
    await device.up({ within: bounds.connectMs });
    await ctx.answered(device.subscribe(t, 1, { options: { rap: true } }), { within: bounds.connectMs, what: `client subscribes ${t} with Retain As Published` });
    const plain = await peer("plain");
    await plain.subscribe(t, { qos: 1, options: { rap: false } });
    const pub = await peer("pub");
    // Published after both subscriptions exist: forwarded live, not as a stored retained message.
    await pub.publish(t, "on", { qos: 1, retain: true });
    await device.received({ topic: t, payload: "on" }, { within: bounds.deliveryMs });
    await plain.received({ topic: t, payload: "on" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    optionOnWire(`${topics.base}/state`, { rap: true }, "Retain As Published"),
    delivered({ to: "device", topic: `${topics.base}/state`, payload: "on", retain: true, guarantee: "MQTT 5 §3.3.1.3 (MQTT-3.3.1-13): with Retain As Published the RETAIN flag is kept on a live forward; the client reports it" }),
    delivered({ to: "peer:plain", topic: `${topics.base}/state`, payload: "on", retain: false, name: "controlRetainCleared", guarantee: "control, MQTT 5 §3.3.1.3 (MQTT-3.3.1-12): without the option the broker clears RETAIN on a live forward" }),
  ],
});

export const retain = [...retainSet, ...retainClear, ...retainedToDevice, ...retainHandling, retainAsPublished];
