import { connackHas } from "../../../src/checks/connackHas.ts";
import { onWire } from "../../../src/checks/onWire.ts";
import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { feature } from "../feature.ts";
import { mustOk } from "./_steps.ts";

/** Seconds: the will's delay, and a session that outlives it. */
const DELAY = 5;
const EXPIRY = 60;

export default feature({
  protocol: "5",
  id: "will-delay-cancelled",
  spec: "3.1.3.2.2",
  claim: "a device that vanishes and is back (resuming its session) within its Will Delay Interval has no will published",
  requires: ["will-delay", "will-properties"],
  client: { clean: false, clean_init: true, session_expiry: EXPIRY },
  async run(ctx) {
    const { device, peer, topics, bounds, targets, wait, now } = ctx;
    const willTopic = `${topics.base}/will`;
    const will = { topic: willTopic, payload: "gone", qos: 1 as const, props: { willDelayInterval: DELAY } };
    await device.up({ within: bounds.connectMs });
    mustOk(ctx, await device.disconnect(), "client disconnects cleanly");
    const w = await peer("will");
    await w.subscribe(willTopic, { qos: 1 });
    mustOk(ctx, await device.start({ will }), "client connects with a delayed will");
    const off = now();
    await device.powerOff();
    // Straight back, resuming the session (Clean Start 0), with the same will.
    await targets.device.powerOn({ clean_init: false, will });
    await device.up({ within: bounds.connectMs, what: "client is back within the will delay" });
    // Absence of a will can only be shown by waiting the delay out: from the power-off, the
    // delay plus one delivery bound (and 1 s for brokers that count whole seconds).
    const rest = off + DELAY * 1000 + 1000 + bounds.deliveryMs - now();
    if (rest > 0) await wait(rest);
  },
  checks: ({ topics }) => [
    onWire({ dir: "up", cmd: "connect", where: { clean: false, will: { topic: `${topics.base}/will`, props: { willDelayInterval: DELAY } } }, what: `the reconnect (Clean Start 0) carries the will with Will Delay Interval ${DELAY}`, name: "reconnectOnWire" }),
    connackHas({ who: "device", sessionPresent: true, guarantee: "MQTT 5 §3.2.2.1.1: the device resumed its session (Clean Start 0 within the expiry)" }),
    notDelivered({ to: "peer:will", topic: `${topics.base}/will`, guarantee: "MQTT 5 §3.1.3.2.2: a will whose client reconnects to its session before the Will Delay Interval passes is not published" }),
  ],
});
