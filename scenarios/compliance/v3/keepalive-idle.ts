import { delivered } from "../../../src/checks/delivered.ts";
import { keepsConnectionAlive } from "../../../src/checks/keepsConnectionAlive.ts";
import { staysConnected } from "../../../src/checks/staysConnected.ts";
import { feature } from "../feature.ts";
import { BROKER_KEEPALIVE_FACTOR, subscribeGranted } from "./_support.ts";

/** Keepalive in seconds: short, to compress time. */
const KEEPALIVE_S = 4;
/** Idle span in keepalives: past the broker's 1.5 × keepalive limit by a whole keepalive. */
const IDLE_KEEPALIVES = BROKER_KEEPALIVE_FACTOR + 1;

/**
 * An idle client keeps its connection: with nothing to send it must send PINGREQ so that no
 * more than Keep Alive seconds pass between its control packets [MQTT-3.1.2-23]; the broker
 * closes a connection silent for 1.5 × Keep Alive [MQTT-3.1.2-24]. The device subscribes, then
 * does nothing for 2.5 × keepalive; afterwards a peer's publish must still reach it on the same
 * connection — no `down`, no reconnect, no "exceeded timeout" from the broker, and the broker's
 * log shows no silence from the client longer than its keepalive.
 */
export default feature({
  protocol: "3.1.1",
  id: "keepalive-idle",
  spec: "3.1.2.10",
  claim: "an idle client sends PINGREQ within its keepalive and keeps the connection past 1.5 × keepalive (MQTT-3.1.2-23)",
  client: { keepalive: KEEPALIVE_S },
  async run(ctx) {
    const { device, peer, topics, bounds, client, wait } = ctx;
    const topic = `${topics.base}/wake`;
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, topic, 1, "the device subscribes");
    const pub = await peer("pub");
    // The idle span is the feature itself, not a wait for an event: nothing may happen in it.
    await wait(IDLE_KEEPALIVES * client.keepalive * 1000);
    await pub.publish(topic, "still-there", { qos: 1 });
    await device.received({ topic, payload: "still-there" }, { within: bounds.deliveryMs, what: "the idle connection still delivers" });
  },
  checks: ({ topics }) => [
    // Judged on every broker; keepsConnectionAlive adds the silences, from brokers that log packets.
    staysConnected(),
    keepsConnectionAlive(),
    delivered({ to: "device", topic: `${topics.base}/wake`, payload: "still-there", count: 1 }),
  ],
});
