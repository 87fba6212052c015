import { delivered } from "../../../src/checks/delivered.ts";
import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { publishRefused } from "../../../src/checks/publishRefused.ts";
import { feature } from "../feature.ts";
import { refusedThenSentinel } from "../steps.ts";

/** Not UTF-8: a lone continuation byte, an overlong form and 0xFF. */
const BAD = { hex: "80c0afff" };

export default feature({
  protocol: "5",
  id: "payload-format-invalid",
  spec: "3.3.2.3.2",
  claim: "a device publish that claims a UTF-8 payload (Payload Format Indicator 1) but is not UTF-8 is refused with 0x99 (Payload format invalid) and not passed on",
  requires: ["payload-format-validation", "operation-properties"],
  run: (ctx) => refusedThenSentinel(ctx, `${ctx.topics.base}/badutf8`, BAD, { payloadFormatIndicator: true }, "client's publish answered or disconnected"),
  checks: ({ topics }) => [
    publishRefused({ topic: `${topics.base}/badutf8`, reasons: [0x99], guarantee: "MQTT 5 §3.3.2.3.2: a validating receiver answers PUBACK or DISCONNECT with 0x99 (Payload format invalid); the client reports it" }),
    notDelivered({ to: "peer:sub", topic: `${topics.base}/badutf8`, payload: BAD }),
    delivered({ to: "peer:sub", topic: `${topics.base}/badutf8`, payload: "sentinel" }),
  ],
});
