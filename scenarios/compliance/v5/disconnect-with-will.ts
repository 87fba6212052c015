import { delivered } from "../../../src/checks/delivered.ts";
import { onWire } from "../../../src/checks/onWire.ts";
import { opAnswered } from "../../../src/checks/opAnswered.ts";
import { feature } from "../feature.ts";
import { mustOk } from "./_steps.ts";

export default feature({
  protocol: "5",
  id: "disconnect-with-will",
  spec: "3.14.2.1",
  claim: "a device that disconnects with reason code 0x04 (Disconnect with Will Message) has its will published",
  // A client's ability to put a reason code in its DISCONNECT (no id of the vocabulary names it).
  requires: ["disconnect-reason"],
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const will = `${topics.base}/will`;
    await device.up({ within: bounds.connectMs });
    // The will topic is this run's own, known only now: connect again with it.
    mustOk(ctx, await device.disconnect(), "client disconnects cleanly");
    const w = await peer("will");
    await w.subscribe(will, { qos: 1 });
    mustOk(ctx, await device.start({ will: { topic: will, payload: "gone", qos: 1 } }), "client connects with a will");
    await device.disconnect({ reason: 0x04 });
    await w.received({ topic: will, payload: "gone" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    opAnswered({ op: "disconnect", ok: true, guarantee: "the client sends DISCONNECT with reason code 0x04 when asked" }),
    onWire({ dir: "up", cmd: "disconnect", where: { reasonCode: 0x04 }, what: "DISCONNECT with reason code 0x04", name: "reasonOnWire" }),
    delivered({ to: "peer:will", topic: `${topics.base}/will`, payload: "gone", guarantee: "MQTT 5 §3.14.2.1, §3.1.2.5: after DISCONNECT 0x04 the broker publishes the will" }),
  ],
});
