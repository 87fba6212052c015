import { delivered } from "../../../src/checks/delivered.ts";
import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { publishRefused } from "../../../src/checks/publishRefused.ts";
import { feature } from "../feature.ts";
import { bytes } from "./_steps.ts";

/** The broker's Maximum Packet Size, and a device publish well above it. */
const MAX = 512;
const BIG = bytes(4 * MAX);

export default feature({
  protocol: "5",
  id: "max-packet-size-broker",
  spec: "3.2.2.3.6",
  claim: "a device publish larger than the broker's Maximum Packet Size is not delivered: the client refuses it, or the broker disconnects it (0x95 Packet too large)",
  requires: ["max-packet-size", "broker-settings"],
  broker: { settings: { maxPacketSize: MAX } },
  async run({ device, peer, topics, bounds }) {
    const t = `${topics.base}/toolarge`;
    await device.up({ within: bounds.connectMs });
    const sub = await peer("sub");
    await sub.subscribe(t, { qos: 1 });
    // Answered or not (a refusal, or a client stuck resending it), the checks judge it.
    const ack = device.publish(t, BIG, { qos: 1 }).catch(() => undefined);
    // Either answer ends the wait: the client's own refusal (an ack) or the broker's (the
    // connection goes down); a client that retries the publish forever gives neither.
    await Promise.race([ack, device.down({ within: bounds.deliveryMs, what: "client refused or disconnected" }).catch(() => undefined)]);
    // The sentinel, published after: the big message, had the broker taken it, would be here first.
    await sub.publish(t, "sentinel", { qos: 1 });
    await sub.received({ topic: t, payload: "sentinel" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    publishRefused({ topic: `${topics.base}/toolarge`, reasons: [0x95], closeAllowed: true, localRefusal: true, guarantee: "MQTT 5 §3.2.2.3.6 (MQTT-3.2.2-15): the client does not send a packet over the server's limit; if it does, the server closes the connection (§4.13, DISCONNECT 0x95 optional)" }),
    notDelivered({ to: "peer:sub", topic: `${topics.base}/toolarge`, payload: BIG }),
    delivered({ to: "peer:sub", topic: `${topics.base}/toolarge`, payload: "sentinel" }),
  ],
});
