import { feature } from "../feature.ts";
import { roundTrip, roundTripChecks, type RoundTrip } from "./_roundtrip.ts";

/** Two-, three- and four-byte UTF-8 sequences (é, 日本語, 🚀). */
const r: RoundTrip = { payload: "utf8", props: { contentType: "text/plain; charset=utf-8; lang=日本語; note=café 🚀" } };

export default feature({
  protocol: "5",
  id: "prop-type-utf8",
  spec: "2.2.2.2",
  claim: "a UTF-8 Encoded String property with non-ASCII characters (Content Type) round-trips device ↔ subscriber exactly",
  run: (ctx) => roundTrip(ctx, r),
  checks: ({ topics }) => roundTripChecks(topics.base, r, "MQTT 5 §1.5.4 UTF-8 Encoded String, §3.3.2.3.9"),
});
