import { delivered } from "../../../src/checks/delivered.ts";
import { feature } from "../feature.ts";

/** Binary on purpose: a NUL, 0xFF and bytes that are not UTF-8. */
const CORRELATION = { hex: "00ff10c0fe7f" };

export default feature({
  protocol: "5",
  id: "request-response",
  spec: "4.10",
  claim: "a device request with a Response Topic and binary Correlation Data is answered by a responder, and the device gets the answer with the Correlation Data exactly",
  requires: ["request-response"],
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const req = `${topics.base}/req`;
    const resp = `${topics.base}/resp/dev`;
    await device.up({ within: bounds.connectMs });
    await ctx.answered(device.subscribe(resp, 1), { within: bounds.connectMs, what: `client subscribes ${resp}` });
    const responder = await peer("responder");
    await responder.subscribe(req, { qos: 1 });
    await device.publish(req, "what time is it?", { qos: 1, props: { responseTopic: resp, correlationData: CORRELATION } });
    const got = await responder.received({ topic: req }, { within: bounds.deliveryMs });
    // The responder answers with what it read, as a real one would: to the Response Topic it
    // got, echoing the Correlation Data it got (§4.10.2).
    const props = got.props ?? {};
    if (typeof props.responseTopic !== "string") return; // delivered() below says what was missing
    await responder.publish(props.responseTopic, "noon", { qos: 1, props: { correlationData: props.correlationData } });
    await device.received({ topic: resp }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    delivered({ to: "peer:responder", topic: `${topics.base}/req`, payload: "what time is it?", props: { responseTopic: `${topics.base}/resp/dev`, correlationData: CORRELATION }, name: "requestArrives", guarantee: "MQTT 5 §3.3.2.3.5/6: the device's Response Topic and Correlation Data reach the responder unaltered" }),
    delivered({ to: "device", topic: `${topics.base}/resp/dev`, payload: "noon", props: { correlationData: CORRELATION }, name: "responseArrives", guarantee: "MQTT 5 §4.10: the device gets the response with the Correlation Data exactly" }),
  ],
});
