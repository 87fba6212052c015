import { delivered } from "../../../src/checks/delivered.ts";
import { onWire } from "../../../src/checks/onWire.ts";
import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { feature } from "../feature.ts";
import { bytes, mustOk } from "./_steps.ts";

/** Bytes the device accepts per packet, and a message well above it. */
const MAX = 256;
const BIG = bytes(4 * MAX);

export default feature({
  protocol: "5",
  id: "max-packet-size-client",
  spec: "3.1.2.11.4",
  claim: "the broker never sends a device a packet larger than the Maximum Packet Size the device announced; smaller ones still arrive",
  requires: ["max-packet-size"],
  client: { connect_props: { maximumPacketSize: MAX } },
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const t = `${topics.base}/sized`;
    await device.up({ within: bounds.connectMs });
    mustOk(ctx, await device.subscribe(t, 1), `client subscribes ${t}`);
    const pub = await peer("pub");
    await pub.publish(t, BIG, { qos: 1 });
    // The sentinel, published after: the big one, had it been sent, would be here first.
    await pub.publish(t, "small", { qos: 1 });
    await device.received({ topic: t, payload: "small" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    onWire({ dir: "up", cmd: "connect", where: { props: { maximumPacketSize: MAX } }, what: `CONNECT announces Maximum Packet Size ${MAX}`, name: "announced" }),
    notDelivered({ to: "device", topic: `${topics.base}/sized`, payload: BIG, guarantee: `MQTT 5 §3.1.2.11.4 (MQTT-3.1.2-24/25): the broker discards, never sends, a ${BIG.length}-byte message to a client that allows ${MAX}-byte packets` }),
    delivered({ to: "device", topic: `${topics.base}/sized`, payload: "small" }),
  ],
});
