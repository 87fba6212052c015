import { expiryCountsDown } from "../../../src/checks/expiryCountsDown.ts";
import { feature } from "../feature.ts";
import { roundTrip, roundTripChecks, type RoundTrip } from "./_roundtrip.ts";

/** 0x01020304 s: four distinct bytes, so a byte-order or width slip shows. */
const SENT = 0x01020304;
const r: RoundTrip = { payload: "four", props: { messageExpiryInterval: SENT } };

export default feature({
  protocol: "5",
  id: "prop-type-four-byte",
  spec: "2.2.2.2",
  claim: "a Four Byte Integer property (Message Expiry Interval 0x01020304) round-trips device ↔ subscriber, counted down only by the seconds it waited",
  requires: ["message-expiry"],
  run: (ctx) => roundTrip(ctx, r),
  // The broker counts the interval down while it holds the message (§3.3.2.3.3), so the value
  // is judged by expiryCountsDown rather than compared as sent.
  checks: ({ topics }) =>
    roundTripChecks(topics.base, { payload: r.payload, props: {} }, "MQTT 5 §2.2.2.2 Four Byte Integer", (dir) => [
      expiryCountsDown({ to: dir === "up" ? "peer:peer" : "device", topic: `${topics.base}/${dir}`, payload: r.payload, sent: SENT, name: dir === "up" ? "deviceSendsExpiry" : "deviceReceivesExpiry" }),
    ]),
});
