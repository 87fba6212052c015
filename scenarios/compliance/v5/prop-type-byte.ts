import { feature } from "../feature.ts";
import { roundTrip, roundTripChecks, type RoundTrip } from "./_roundtrip.ts";

/** Payload Format Indicator 0 sent explicitly (a one-byte property of value 0), with a binary payload. */
const r: RoundTrip = { payload: { hex: "00ff80c0" }, props: { payloadFormatIndicator: false } };

export default feature({
  protocol: "5",
  id: "prop-type-byte",
  spec: "2.2.2.2",
  claim: "a Byte property (Payload Format Indicator, explicitly 0, binary payload) round-trips device ↔ subscriber exactly",
  run: (ctx) => roundTrip(ctx, r),
  checks: ({ topics }) => roundTripChecks(topics.base, r, "MQTT 5 §2.2.2.2 Byte, §3.3.2.3.2 (MQTT-3.3.2-4: passed on unaltered)"),
});
