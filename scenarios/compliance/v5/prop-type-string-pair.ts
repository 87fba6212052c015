import { feature } from "../feature.ts";
import { roundTrip, roundTripChecks, type RoundTrip } from "./_roundtrip.ts";

/** One pair (a client that keeps one User Property still qualifies), non-ASCII on both sides. */
const r: RoundTrip = { payload: "pair", props: { userProperties: { "clé 🔑": "värde ✓ 日本" } } };

export default feature({
  protocol: "5",
  id: "prop-type-string-pair",
  spec: "2.2.2.2",
  claim: "a UTF-8 String Pair property with non-ASCII name and value (User Property) round-trips device ↔ subscriber exactly",
  requires: ["qos1-user-properties"],
  run: (ctx) => roundTrip(ctx, r),
  checks: ({ topics }) => roundTripChecks(topics.base, r, "MQTT 5 §1.5.7 UTF-8 String Pair, §3.3.2.3.7"),
});
