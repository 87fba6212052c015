import { reasonReported } from "../../../src/checks/reasonReported.ts";
import { feature } from "../feature.ts";

export default feature({
  protocol: "5",
  id: "puback-no-subscribers",
  spec: "3.4.2.1",
  claim: "a device's QoS 1 publish to a topic nobody subscribes to is answered with PUBACK 0x10 (No matching subscribers), and the client reports that success code",
  requires: ["operation-properties", "puback-no-subscribers"],
  async run({ device, topics, bounds }) {
    await device.up({ within: bounds.connectMs });
    await device.publish(`${topics.base}/nobody/listens`, "hello?", { qos: 1 });
  },
  // 0x10 is a MAY of the broker (0x00 is as right): judged against the code the broker sent on
  // the wire, `unknown` when it sent 0x00.
  checks: ({ topics }) => [reasonReported({ topic: `${topics.base}/nobody/listens`, exercised: [0x10], guarantee: "MQTT 5 §3.4.2.1: PUBACK 0x10 is a success the broker may send when nobody subscribes; the client reports it, as a success" })],
});
