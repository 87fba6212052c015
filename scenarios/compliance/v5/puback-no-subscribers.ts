import { opAnswered } from "../../../src/checks/opAnswered.ts";
import { onWire } from "../../../src/checks/onWire.ts";
import { feature } from "../feature.ts";

export default feature({
  protocol: "5",
  id: "puback-no-subscribers",
  spec: "3.4.2.1",
  claim: "a device's QoS 1 publish to a topic nobody subscribes to is accepted with PUBACK reason code 0x10 (No matching subscribers), and the client says so",
  requires: ["operation-properties"],
  async run({ device, topics, bounds }) {
    await device.up({ within: bounds.connectMs });
    await device.publish(`${topics.base}/nobody/listens`, "hello?", { qos: 1 });
  },
  checks: ({ topics }) => [
    onWire({ dir: "down", cmd: "puback", where: { reasonCode: 0x10 }, what: "the broker's PUBACK carries 0x10 (No matching subscribers)", name: "brokerSent0x10" }),
    opAnswered({ op: "publish", topic: `${topics.base}/nobody/listens`, ok: true, reason: 0x10, guarantee: "MQTT 5 §3.4.2.1: PUBACK 0x10 is a success code the broker may use when nobody subscribes; the client reports it, not an error" }),
  ],
});
