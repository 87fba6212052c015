import { scenario } from "../../src/scenario/dsl.ts";
import { reset } from "../../src/faults/reset.ts";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { reconnectsWithin } from "../../src/checks/reconnectsWithin.ts";
import { resumesPublishing } from "../../src/checks/resumesPublishing.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { orderPerTopic } from "../../src/checks/orderPerTopic.ts";
import { noDuplicatesBeyondDup } from "../../src/checks/noDuplicatesBeyondDup.ts";
import { detectsOutageWithin } from "../../src/checks/detectsOutageWithin.ts";
import { noBusyLoop } from "../../src/checks/noBusyLoop.ts";

/**
 * Reset: a middlebox that lost the connection's state answers its next segment: the live
 * connection ends (FIN, see the fault's note), and every reconnect attempt is answered with an
 * RST (ECONNRESET) until the fault heals, two of the client's reconnect cycles later, so the
 * client meets the RST on at least one reconnect. It must notice, survive the ECONNRESET path
 * without an exception escaping, not spin while retrying, and come back after the heal with
 * nothing acknowledged lost.
 */
export default scenario({
  id: "reset",
  title: "Connection reset by a middlebox; every reconnect reset (RST) for 2 reconnect cycles",
  faults: ["reset"],
  client: { clean: true, keepalive: 5, response_time: 3 },
  async run({ device, observer, topics, bounds, targets, inject, heal, wait }) {
    await device.up({ within: bounds.connectMs, what: "client connects" });
    await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes" });
    const upstream = device.publishEvery(topics.up, { qos: 1, everyMs: 200 });
    const downstream = observer.publishEvery(topics.down, { qos: 1, everyMs: 200 });
    await upstream.acked(3, { within: bounds.connectMs, what: "publishes flow before the fault" });

    const rst = await inject(reset(targets, { timeoutMs: 0 }));
    await wait(2 * bounds.reconnectCycleMs);
    await heal(rst);

    await device.up({ within: bounds.reconnectAfterHealMs, what: "client reconnects after the resets stop" });
    await upstream.acked(5, { within: bounds.reconnectCycleMs, what: "client resumes publishing" });
    await Promise.all([upstream.stop(), downstream.stop()]);
  },
  checks: () => [
    noLostAcknowledged(),
    reconnectsWithin(),
    resumesPublishing(3),
    noUncaughtErrors(),
    orderPerTopic(),
    noDuplicatesBeyondDup(),
    detectsOutageWithin(["reset"]),
    noBusyLoop(),
  ],
});
