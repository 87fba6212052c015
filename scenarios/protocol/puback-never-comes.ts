import { packetDrop } from "../../src/faults/packetDrop.ts";
import { opAnswered } from "../../src/checks/opAnswered.ts";
import { delivered } from "../../src/checks/delivered.ts";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { noBusyLoop } from "../../src/checks/noBusyLoop.ts";
import { resumesPublishing } from "../../src/checks/resumesPublishing.ts";
import { EVERY_MS } from "../resilience/_templates.ts";
import { answerOrDown, givesUpWithinMs, protocolScenario } from "./_templates.ts";

const PAYLOAD = "puback-never-comes";

/**
 * Every PUBACK to the device is lost until the client gives up — its resends unanswered too,
 * the connection otherwise fine (PINGRESPs pass). The client must not wait for ever: mqtt_as
 * resends `max_repubs` times (default 4, one response time apart), then drops the connection,
 * reconnects and publishes again with a new packet id (README §4.2); another client may report
 * the publish failed. Once it has answered the application or gone down, the PUBACKs flow again:
 * the publish is answered, the message was delivered, publishing goes on.
 */
export default protocolScenario({
  id: "puback-never-comes",
  title: "Every PUBACK to the device lost until the client gives up: the publish is answered, the client carries on",
  faults: ["packetDrop"],
  requires: ["puback-timeout"],
  async run(ctx) {
    const { device, topics, targets, bounds } = ctx;
    const lost = await ctx.inject(packetDrop(targets, { packet: "puback", direction: "down", count: "all" }));
    const op = device.publish(topics.up, PAYLOAD, { qos: 1 });
    await answerOrDown(ctx, op, givesUpWithinMs(ctx));
    await ctx.heal(lost);
    await ctx.answered(op, { within: bounds.reconnectAfterHealMs + bounds.deliveryMs });
    await device.up({ within: bounds.reconnectAfterHealMs, what: "client is up after the PUBACKs flow again" });
    const upstream = device.publishEvery(topics.up, { qos: 1, everyMs: EVERY_MS });
    await upstream.acked(3, { within: bounds.reconnectCycleMs, what: "client publishes again" });
    await upstream.stop();
  },
  checks: ({ topics }) => [
    opAnswered({ op: "publish", payload: PAYLOAD, name: "publishAnswered", guarantee: "the publish no PUBACK answered is answered to the application (republished after a reconnect, or reported failed)" }),
    delivered({ to: "observer", topic: topics.up, payload: PAYLOAD }),
    noLostAcknowledged(),
    resumesPublishing(3),
    noUncaughtErrors(),
    noBusyLoop(),
  ],
});
