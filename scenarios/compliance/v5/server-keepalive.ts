import { staysConnected } from "../../../src/checks/staysConnected.ts";
import { feature } from "../feature.ts";

/**
 * Seconds: the broker's cap (sent back as Server Keep Alive; mosquitto 2.0 accepts
 * max_keepalive ≥ 10), and what the device asks for: so much more that a client still on its
 * own value stays silent past 1.5 × the cap even if it pings at a quarter of its keepalive.
 */
const ASKED = 120;
const CAP = 10;
/** A client still on its own keepalive is cut off after 1.5 × CAP s of silence: stay idle twice that. */
const WATCH_MS = 2 * 1.5 * CAP * 1000;

export default feature({
  protocol: "5",
  id: "server-keepalive",
  spec: "3.2.2.3.14",
  claim: "a device that asks for a longer keepalive than the broker allows uses the Server Keep Alive from CONNACK, so its idle connection survives",
  // Using the value is the client's duty whether or not it shows it to the application
  // (that is server-keepalive-reported).
  requires: ["server-keepalive", "broker-settings"],
  broker: { settings: { maxKeepalive: CAP } },
  client: { keepalive: ASKED },
  async run({ device, bounds, wait }) {
    await device.up({ within: bounds.connectMs });
    // Idle on purpose, for the stretch the check watches (derived from the cap above).
    await wait(WATCH_MS + 500);
  },
  checks: () => [
    staysConnected({ guarantee: `MQTT 5 §3.2.2.3.14 (MQTT-3.1.2-21): the client uses the Server Keep Alive (${CAP} s), not its own ${ASKED} s, so the broker never cuts the idle connection (1.5 × ${CAP} s)` }),
  ],
});
