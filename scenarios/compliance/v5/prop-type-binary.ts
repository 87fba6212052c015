import { feature } from "../feature.ts";
import { roundTrip, roundTripChecks, type RoundTrip } from "./_roundtrip.ts";

/** NUL, 0xFF and bytes that are not UTF-8. */
const r: RoundTrip = { payload: "binary", props: { correlationData: { hex: "00ff7f80fe01" } } };

export default feature({
  protocol: "5",
  id: "prop-type-binary",
  spec: "2.2.2.2",
  claim: "a Binary Data property with 00 and FF bytes (Correlation Data) round-trips device ↔ subscriber exactly",
  run: (ctx) => roundTrip(ctx, r),
  checks: ({ topics }) => roundTripChecks(topics.base, r, "MQTT 5 §1.5.6 Binary Data, §3.3.2.3.6"),
});
