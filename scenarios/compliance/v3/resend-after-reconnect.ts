import { brokerReceived } from "../../../src/checks/brokerSent.ts";
import { delivered } from "../../../src/checks/delivered.ts";
import { opAnswered } from "../../../src/checks/opAnswered.ts";
import { partition } from "../../../src/faults/partition.ts";
import { feature } from "../feature.ts";
import { answer } from "./_support.ts";

/**
 * The client's half of QoS 1 across a reconnect: a PUBLISH it sent but never saw PUBACKed must
 * be sent again when it reconnects with Clean Session 0 [MQTT-4.4.0-1], with DUP 1
 * [MQTT-3.3.1-1], and the application told it went through once the PUBACK came. The device
 * (Clean Session 0) publishes at QoS 1 into a silent partition (the PUBLISH vanishes); one
 * exchange later — the client has written it and would have had its PUBACK — the partition
 * heals (every connection that lived through it is closed) and the device reconnects. The
 * broker's log must show the resend with DUP 1, a peer must receive the message, and the
 * publish must be answered as done.
 */
export default feature({
  protocol: "3.1.1",
  id: "resend-after-reconnect",
  spec: "4.4",
  claim: "an unacknowledged QoS 1 publish is resent with DUP 1 after the device reconnects with Clean Session 0, and then reported done (MQTT-4.4.0-1, MQTT-3.3.1-1)",
  requires: ["resend-dup"],
  client: { clean: false, clean_init: false },
  async run(ctx) {
    const { device, peer, topics, bounds, targets, inject, heal, wait } = ctx;
    const topic = `${topics.base}/reading`;
    await device.up({ within: bounds.connectMs });
    const sub = await peer("sub");
    await sub.subscribe(topic, { qos: 1 });
    const f = await inject(partition(targets));
    // Not awaited yet: the answer comes only after the reconnect. answer() at once, so that
    // feature()'s bound on the operation can never become an unhandled rejection.
    const sent = answer(device.publish(topic, "unacked", { qos: 1 }), bounds.deliveryMs + bounds.reconnectAfterHealMs + bounds.deliveryMs);
    // One exchange: the client writes the PUBLISH at once and would have had its PUBACK by now;
    // nothing observable marks that moment (the wire is silent), so this wait is the bound itself.
    await wait(bounds.deliveryMs);
    await heal(f);
    await device.reconnected({ within: bounds.reconnectAfterHealMs, what: "the device reconnects after the partition" });
    await sub.received({ topic, payload: "unacked" }, { within: bounds.deliveryMs, what: "the peer receives the resent message" });
    // The answer is what is judged (opAnswered): wait for it, but do not stop without one.
    await sent;
  },
  checks: ({ topics }) => [
    brokerReceived({ topic: `${topics.base}/reading`, qos: 1, dup: true, afterReconnect: true, guarantee: "the client resends the unacknowledged PUBLISH with DUP 1 (MQTT-4.4.0-1, MQTT-3.3.1-1)" }),
    delivered({ to: "peer:sub", topic: `${topics.base}/reading`, payload: "unacked" }),
    opAnswered({ op: "publish", topic: `${topics.base}/reading`, ok: true }),
  ],
});
