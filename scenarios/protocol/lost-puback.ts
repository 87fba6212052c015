import { packetDrop } from "../../src/faults/packetDrop.ts";
import { opAnswered } from "../../src/checks/opAnswered.ts";
import { delivered } from "../../src/checks/delivered.ts";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { resumesPublishing } from "../../src/checks/resumesPublishing.ts";
import { EVERY_MS } from "../resilience/_templates.ts";
import { givesUpWithinMs, protocolScenario, touched } from "./_templates.ts";

const PAYLOAD = "lost-puback";

/**
 * One PUBACK to the device is lost; the connection is fine. The broker has the message, so the
 * observer gets it; the client must find out by itself that its publish went unanswered and
 * answer the application: mqtt_as resends after its response time with DUP and the same
 * packet id (README §4.2), gets the PUBACK for that and returns; a client that reconnects and
 * publishes again, or reports the publish failed, answers too. Publishing goes on afterwards.
 * A client whose publish waits for a PUBACK as long as the connection lives (MQTT.js: MQTT 5
 * §4.4 allows a resend only on reconnect) declares `puback-timeout` unsupported.
 */
export default protocolScenario({
  id: "lost-puback",
  title: "One PUBACK to the device lost: the publish is still answered and delivered, publishing goes on",
  faults: ["packetDrop"],
  requires: ["puback-timeout"],
  async run(ctx) {
    const { device, topics, targets, bounds } = ctx;
    const lost = await ctx.inject(packetDrop(targets, { packet: "puback", direction: "down", count: 1 }));
    await ctx.answered(device.publish(topics.up, PAYLOAD, { qos: 1 }), { within: givesUpWithinMs(ctx) });
    await touched(ctx, "dropped");
    await ctx.heal(lost);
    const upstream = device.publishEvery(topics.up, { qos: 1, everyMs: EVERY_MS });
    await upstream.acked(3, { within: bounds.reconnectAfterHealMs, what: "client publishes after the lost PUBACK" });
    await upstream.stop();
  },
  checks: ({ topics }) => [
    opAnswered({ op: "publish", payload: PAYLOAD, name: "publishAnswered", guarantee: "the publish whose PUBACK was lost is answered to the application (resent and acknowledged, republished, or reported failed)" }),
    delivered({ to: "observer", topic: topics.up, payload: PAYLOAD }),
    noLostAcknowledged(),
    resumesPublishing(3),
    noUncaughtErrors(),
  ],
});
