// QoS × direction, in both protocols. No default export: v3/qos.ts and v5/qos.ts take the cells.
import { brokerSent } from "../../../src/checks/brokerSent.ts";
import { delivered } from "../../../src/checks/delivered.ts";
import { opAnswered } from "../../../src/checks/opAnswered.ts";
import { BOTH, citing, feature } from "../feature.ts";
import { subscribeGranted } from "../steps.ts";

type QoS = 0 | 1 | 2;

/**
 * What each QoS promises (§4.3), with the MQTT 3.1.1 rules that say it. QoS 0, at most once:
 * no acknowledgement, never a duplicate. QoS 1, at least once: the receiver answers each PUBLISH
 * with a PUBACK (a duplicate is allowed, so its receipts are not counted). QoS 2, exactly once:
 * PUBLISH, PUBREC, PUBREL, PUBCOMP. QoS 2 is a feature a client may declare it lacks.
 */
const QOS: Record<QoS, { spec: string; rules: string; count?: 1; requires?: string[] }> = {
  0: { spec: "4.3.1", rules: "MQTT-4.3.1-1", count: 1 },
  1: { spec: "4.3.2", rules: "MQTT-4.3.2-1, MQTT-4.3.2-2" },
  2: { spec: "4.3.3", rules: "MQTT-4.3.3-1, MQTT-4.3.3-2", count: 1, requires: ["qos2"] },
};

/** A QoS cell in both protocols: the QoS's section, its MQTT 3.1.1 rules, its declared gap. */
const cell = (q: QoS, id: string, claim: string) => ({
  protocols: BOTH,
  id,
  spec: QOS[q].spec,
  ...(QOS[q].requires ? { requires: QOS[q].requires } : {}),
  claim: citing(claim, QOS[q].rules),
});

/**
 * From the device: it publishes at QoS q to a peer subscribed at QoS q. The client answers the
 * publish as done (QoS 1: once the broker PUBACKed it; QoS 2: once PUBREC/PUBREL/PUBCOMP
 * completed), and the peer receives the message at QoS q (exactly once, but for QoS 1).
 */
const deviceToPeer = (q: QoS) =>
  feature({
    ...cell(q, `qos${q}-device-to-peer`, `a QoS ${q} publish from the device reaches a QoS ${q} subscriber at QoS ${q}`),
    async run(ctx) {
      const { device, peer, topics, bounds } = ctx;
      const topic = `${topics.base}/q${q}`;
      await device.up({ within: bounds.connectMs });
      const sub = await peer("sub");
      await sub.subscribe(topic, { qos: q });
      await ctx.answered(device.publish(topic, `reading-q${q}`, { qos: q }), { within: bounds.deliveryMs, what: `the device publishes at QoS ${q}` });
      await sub.received({ topic }, { within: bounds.deliveryMs, what: `the peer receives the device's QoS ${q} message` });
    },
    checks: ({ topics }) => [
      opAnswered({ op: "publish", topic: `${topics.base}/q${q}`, ok: true }),
      delivered({ to: "peer:sub", topic: `${topics.base}/q${q}`, payload: `reading-q${q}`, qos: q, retain: false, count: QOS[q].count }),
    ],
  });

/**
 * To the device: it subscribes at QoS q, a peer publishes at QoS q. The device receives the
 * message (exactly once, but for QoS 1), and on the wire (the broker's log) the broker sent it
 * at QoS q and the client completed its part: nothing for QoS 0 (a QoS 0 PUBLISH is never
 * acknowledged), a PUBACK for QoS 1, PUBREC → PUBREL → PUBCOMP for QoS 2. Not every client tells
 * its application a message's QoS, so the QoS is judged on the wire.
 */
const peerToDevice = (q: QoS) =>
  feature({
    ...cell(q, `qos${q}-peer-to-device`, `a QoS ${q} publish from a peer reaches the device subscribed at QoS ${q}, at QoS ${q}`),
    async run(ctx) {
      const { device, peer, topics, bounds } = ctx;
      const topic = `${topics.base}/q${q}`;
      await device.up({ within: bounds.connectMs });
      await subscribeGranted(ctx, topic, q, `the device subscribes at QoS ${q}`);
      const pub = await peer("pub");
      await pub.publish(topic, `command-q${q}`, { qos: q });
      await device.received({ topic }, { within: bounds.deliveryMs, what: `the device receives the peer's QoS ${q} message` });
    },
    checks: ({ topics }) => [
      delivered({ to: "device", topic: `${topics.base}/q${q}`, payload: `command-q${q}`, retain: false, count: QOS[q].count }),
      brokerSent({ topic: `${topics.base}/q${q}`, qos: q, dup: false, ...(q > 0 ? { completed: true } : {}), count: QOS[q].count }),
    ],
  });

/**
 * A message goes out at the lower of its publish QoS and the subscription's QoS
 * [MQTT-3.8.4-6]. Both directions: the device subscribes at QoS 0 and a peer publishes at
 * QoS 1 — the broker must send it to the device at QoS 0 (the broker's log), and the client
 * must take a QoS 0 PUBLISH without answering it; the device publishes at QoS 1 to a peer
 * subscribed at QoS 0 — the peer gets it at QoS 0.
 */
const downgrade = feature({
  protocols: BOTH,
  id: "qos-downgrade",
  spec: "3.8.4",
  claim: citing("a message is delivered at the minimum of its QoS and the subscription's QoS", "MQTT-3.8.4-6"),
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const down = `${topics.base}/to-device`;
    const up = `${topics.base}/from-device`;
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, down, 0, "the device subscribes at QoS 0");
    const other = await peer("other");
    await other.subscribe(up, { qos: 0 });
    await other.publish(down, "downgraded-to-device", { qos: 1 });
    await device.received({ topic: down }, { within: bounds.deliveryMs, what: "the device receives the QoS 1 message" });
    await ctx.answered(device.publish(up, "downgraded-to-peer", { qos: 1 }), { within: bounds.deliveryMs, what: "the device publishes at QoS 1" });
    await other.received({ topic: up }, { within: bounds.deliveryMs, what: "the QoS 0 subscriber receives the device's message" });
  },
  checks: ({ topics }) => [
    delivered({ name: "deviceReceives", to: "device", topic: `${topics.base}/to-device`, payload: "downgraded-to-device", count: 1 }),
    brokerSent({ topic: `${topics.base}/to-device`, qos: 0, count: 1 }),
    delivered({ name: "peerReceives", to: "peer:other", topic: `${topics.base}/from-device`, payload: "downgraded-to-peer", qos: 0, count: 1 }),
  ],
});

export const qos = [...([0, 1, 2] as const).flatMap((q) => [...deviceToPeer(q), ...peerToDevice(q)]), ...downgrade];
