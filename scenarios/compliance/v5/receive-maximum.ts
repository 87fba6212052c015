import { deliveredInOrder } from "../../../src/checks/deliveredInOrder.ts";
import { onWire } from "../../../src/checks/onWire.ts";
import { inflightWithin } from "../../../src/checks/inflightWithin.ts";
import { feature } from "../feature.ts";

const N = 10;
const PAYLOADS = Array.from({ length: N }, (_, i) => `m=${i + 1}`);

export default feature({
  protocol: "5",
  id: "receive-maximum",
  spec: "3.1.2.11.3",
  claim: "a device that announces Receive Maximum 1 still gets a whole burst of QoS 1 messages, once each and in order",
  requires: ["receive-maximum"],
  client: { connect_props: { receiveMaximum: 1 } },
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const t = `${topics.base}/burst`;
    await device.up({ within: bounds.connectMs });
    await ctx.answered(device.subscribe(t, 1), { within: bounds.connectMs, what: `client subscribes ${t}` });
    const pub = await peer("pub");
    // All at once: the broker must hold all but one back until each PUBACK (§4.9).
    await Promise.all(PAYLOADS.map((p) => pub.publish(t, p, { qos: 1 })));
    // One message in flight at a time: allow one delivery bound per message.
    await device.received({ topic: t, payload: PAYLOADS.at(-1)! }, { within: bounds.deliveryMs * 2 });
  },
  checks: ({ topics }) => [
    onWire({ dir: "up", cmd: "connect", where: { props: { receiveMaximum: 1 } }, what: "CONNECT announces Receive Maximum 1", name: "announced" }),
    inflightWithin({ max: 1 }),
    deliveredInOrder({ to: "device", topic: `${topics.base}/burst`, payloads: PAYLOADS, guarantee: "MQTT 5 §3.1.2.11.3, §4.9: with Receive Maximum 1 the broker sends one QoS 1 message at a time, none lost, in order (§4.6)" }),
  ],
});
