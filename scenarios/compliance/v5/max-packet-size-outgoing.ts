import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { opAnswered } from "../../../src/checks/opAnswered.ts";
import { staysConnected } from "../../../src/checks/staysConnected.ts";
import { feature } from "../feature.ts";
import { bytes } from "./_steps.ts";

/** The broker's Maximum Packet Size (announced in CONNACK), and a device publish well above it. */
const MAX = 512;
const BIG = bytes(4 * MAX);

export default feature({
  protocol: "5",
  id: "max-packet-size-outgoing",
  spec: "3.2.2.3.6",
  claim: "the client never sends a packet larger than the Maximum Packet Size the broker announced in CONNACK: it refuses such a publish itself and keeps its connection",
  requires: ["max-packet-size", "broker-settings", "max-packet-size-outgoing"],
  broker: { settings: { maxPacketSize: MAX } },
  async run({ device, peer, topics, bounds }) {
    const t = `${topics.base}/toolarge`;
    await device.up({ within: bounds.connectMs });
    const sub = await peer("sub");
    await sub.subscribe(t, { qos: 1 });
    // Answered or not (a refusal, or a client stuck resending it), the checks judge it.
    const ack = device.publish(t, BIG, { qos: 1 }).catch(() => undefined);
    // A client that sends it anyway is cut off by the broker (and may resend it forever).
    // (The wire tap cannot show such a PUBLISH: the broker closes on its header, before the
    // rest arrives, so the tap never parses a whole packet; the broker's close is the evidence.)
    await Promise.race([ack, device.down({ within: bounds.deliveryMs, what: "client answers the publish" }).catch(() => undefined)]);
    await sub.publish(t, "sentinel", { qos: 1 });
    await sub.received({ topic: t, payload: "sentinel" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    opAnswered({ op: "publish", topic: `${topics.base}/toolarge`, ok: false, guarantee: `MQTT 5 §3.2.2.3.6 (MQTT-3.2.2-15): the client does not send a packet over the broker's ${MAX}-byte Maximum Packet Size; it tells the application the publish failed` }),
    staysConnected({ guarantee: "MQTT 5 §3.2.2.3.6: a client that kept to the limit gave the broker no reason to close its connection (a packet over it is a protocol error, §4.13)" }),
    notDelivered({ to: "peer:sub", topic: `${topics.base}/toolarge`, payload: BIG }),
  ],
});
