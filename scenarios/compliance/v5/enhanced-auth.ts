import { opAnswered } from "../../../src/checks/opAnswered.ts";
import { onWire } from "../../../src/checks/onWire.ts";
import { feature } from "../feature.ts";
import { mustOk } from "./_steps.ts";

export default feature({
  protocol: "5",
  id: "enhanced-auth",
  spec: "4.12",
  claim: "a device that asks for an Authentication Method the broker does not support is refused with CONNACK 0x8C (Bad authentication method), and the client says so",
  requires: ["enhanced-auth"],
  async run(ctx) {
    const { device, bounds } = ctx;
    await device.up({ within: bounds.connectMs });
    mustOk(ctx, await device.disconnect(), "client disconnects cleanly");
    // No reconnects: one CONNECT, one answer.
    await device.start({ connect_props: { authenticationMethod: "FARADAY-NO-SUCH-METHOD", authenticationData: { hex: "00ff" } }, reconnect: false });
  },
  checks: () => [
    onWire({ dir: "up", cmd: "connect", where: { props: { authenticationMethod: "FARADAY-NO-SUCH-METHOD" } }, what: "CONNECT carries the Authentication Method", name: "methodOnWire" }),
    opAnswered({ op: "start", ok: false, reason: 0x8c, guarantee: "MQTT 5 §3.1.2.11.9, §4.12 (MQTT-4.12.0-1): an unsupported Authentication Method gets CONNACK 0x8C; the client reports the refusal with its reason" }),
  ],
});
