import { deliveredNotBefore } from "../../../src/checks/deliveredNotBefore.ts";
import { onWire } from "../../../src/checks/onWire.ts";
import { feature } from "../feature.ts";
import { mustOk } from "./_steps.ts";

/** Seconds. The session outlives the delay, so the delay (not the session's end) decides (§3.1.3.2.2). */
const DELAY = 3;
const EXPIRY = 30;

export default feature({
  protocol: "5",
  id: "will-delay",
  spec: "3.1.3.2.2",
  claim: "a device that vanishes has its will published no earlier than its Will Delay Interval",
  requires: ["will-delay", "will-properties"],
  client: { session_expiry: EXPIRY },
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const will = `${topics.base}/will`;
    await device.up({ within: bounds.connectMs });
    // The will topic is this run's own, known only now: connect again with it.
    mustOk(ctx, await device.disconnect(), "client disconnects cleanly");
    const w = await peer("will");
    await w.subscribe(will, { qos: 1 });
    mustOk(ctx, await device.start({ will: { topic: will, payload: "gone", qos: 1, props: { willDelayInterval: DELAY } } }), "client connects with a delayed will");
    await device.powerOff();
    await w.received({ topic: will, payload: "gone" }, { within: DELAY * 1000 + bounds.deliveryMs });
  },
  checks: ({ topics, bounds }) => [
    onWire({ dir: "up", cmd: "connect", where: { will: { topic: `${topics.base}/will`, props: { willDelayInterval: DELAY } } }, what: `CONNECT's will carries Will Delay Interval ${DELAY}`, name: "delayOnWire" }),
    deliveredNotBefore({
      to: "peer:will",
      topic: `${topics.base}/will`,
      payload: "gone",
      anchor: { src: "lab", kind: "device.power", where: { on: false }, what: "the device lost power" },
      delayMs: DELAY * 1000,
      withinMs: bounds.deliveryMs,
      guarantee: `MQTT 5 §3.1.3.2.2 (MQTT-3.1.3-9): the broker delays the will until the Will Delay Interval (${DELAY} s) has passed`,
    }),
  ],
});
