import { connackHas } from "../../../src/checks/connackHas.ts";
import { feature } from "../feature.ts";

export default feature({
  protocol: "5",
  id: "connack-success",
  spec: "3.2.2.2",
  claim: "a device's accepted connection is reported with CONNACK reason code 0x00 (Success) and, with Clean Start 1, Session Present 0",
  async run({ device, bounds }) {
    await device.up({ within: bounds.connectMs });
  },
  checks: () => [connackHas({ who: "device", nth: 1, reason: 0, sessionPresent: false, guarantee: "MQTT 5 §3.2.2.2: reason code 0x00 on an accepted connection; §3.2.2.1.1: Session Present 0 after Clean Start 1" })],
});
