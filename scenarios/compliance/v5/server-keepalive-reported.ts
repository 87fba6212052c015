import { connackHas } from "../../../src/checks/connackHas.ts";
import { onWire } from "../../../src/checks/onWire.ts";
import { feature } from "../feature.ts";

/** Seconds: the broker's cap (mosquitto 2.0 accepts max_keepalive ≥ 10) and what the device asks for. */
const CAP = 10;
const ASKED = 120;

export default feature({
  protocol: "5",
  id: "server-keepalive-reported",
  spec: "3.2.2.3.14",
  claim: "the Server Keep Alive a broker sends in CONNACK (its cap on a longer keepalive the device asked for) reaches the application exactly",
  requires: ["server-keepalive", "broker-settings", "connack-properties"],
  broker: { settings: { maxKeepalive: CAP } },
  client: { keepalive: ASKED },
  async run({ device, bounds }) {
    await device.up({ within: bounds.connectMs });
  },
  checks: () => [
    onWire({ dir: "down", cmd: "connack", where: { props: { serverKeepAlive: CAP } }, what: `the broker's CONNACK carries Server Keep Alive ${CAP}`, name: "brokerSent" }),
    connackHas({ who: "device", nth: 1, props: { serverKeepAlive: CAP }, guarantee: `MQTT 5 §3.2.2.3.14: the broker's Server Keep Alive (${CAP} s) reaches the application` }),
  ],
});
