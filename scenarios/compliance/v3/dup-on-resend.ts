import { brokerSent } from "../../../src/checks/brokerSent.ts";
import { connackReceived } from "../../../src/checks/connackReceived.ts";
import { delivered } from "../../../src/checks/delivered.ts";
import { partition } from "../../../src/faults/partition.ts";
import { feature } from "../feature.ts";
import { event, subscribeGranted } from "./_support.ts";

/**
 * A QoS 1 PUBLISH the broker sent but the device never acknowledged is sent again, with DUP 1,
 * when the device comes back to its kept session [MQTT-3.3.1-1, MQTT-4.4.0-1]; the client
 * must take the resend like any message — hand it on and PUBACK it. The device (Clean Session 0)
 * subscribes at QoS 1; a silent partition swallows the broker's PUBLISH of a peer's message
 * (the broker PUBACKs the peer and writes the PUBLISH into the dead wire); the partition heals
 * at once (every connection that lived through it is closed), the device reconnects with Clean
 * Session 0, and the broker resends. Judged on the wire from the broker's log (the DUP flag
 * and the client's PUBACK: not every client reports DUP) and by the device's receipt.
 */
export default feature({
  protocol: "3.1.1",
  id: "dup-on-resend",
  spec: "3.3.1.1",
  claim: "an unacknowledged QoS 1 message is resent with DUP 1 after the device reconnects to its kept session, and the client PUBACKs it (MQTT-3.3.1-1, MQTT-4.4.0-1)",
  requires: ["dup-on-resend"],
  client: { clean: false, clean_init: false },
  async run(ctx) {
    const { device, peer, topics, bounds, targets, inject, heal, note } = ctx;
    const topic = `${topics.base}/cmd`;
    const id = ctx.client.client_id;
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, topic, 1, "the device subscribes at QoS 1");
    const pub = await peer("pub");
    const f = await inject(partition(targets));
    await pub.publish(topic, "in-flight", { qos: 1 });
    // The resend only means something if the first PUBLISH went out (else a DUP 0 first send
    // after the reconnect is right): wait for the broker's log to say it sent it.
    try {
      await event(
        ctx,
        (e) => e.src === "broker" && e.kind === "log" && typeof e.line === "string" && e.line.includes(`Sending PUBLISH to ${id} (d0, q1,`) && e.line.includes(`'${topic}'`),
        bounds.deliveryMs,
        "the broker sends the PUBLISH into the partition",
      );
    } catch {
      note("the broker's log did not show the first PUBLISH: the wire check will say what it can");
    }
    await heal(f);
    await device.reconnected({ within: bounds.reconnectAfterHealMs, what: "the device reconnects after the partition" });
    await device.received({ topic, payload: "in-flight" }, { within: bounds.deliveryMs, what: "the device receives the resent message" });
  },
  checks: ({ topics }) => [
    connackReceived({ nth: 2, sessionPresent: true, reason: 0 }),
    brokerSent({ topic: `${topics.base}/cmd`, qos: 1, dup: true, completed: true, guarantee: "the broker resends with DUP 1 and the client PUBACKs the resend (MQTT-3.3.1-1, MQTT-4.3.2-2)" }),
    delivered({ to: "device", topic: `${topics.base}/cmd`, payload: "in-flight" }),
  ],
});
