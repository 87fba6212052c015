import { scenario } from "../../src/scenario/dsl.ts";
import { faradayCage } from "../../src/faults/profiles/faradayCage.ts";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { reconnectsWithin } from "../../src/checks/reconnectsWithin.ts";
import { resumesPublishing } from "../../src/checks/resumesPublishing.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { orderPerTopic } from "../../src/checks/orderPerTopic.ts";
import { noDuplicatesBeyondDup } from "../../src/checks/noDuplicatesBeyondDup.ts";
import { detectsOutageWithin } from "../../src/checks/detectsOutageWithin.ts";
import { noBusyLoop } from "../../src/checks/noBusyLoop.ts";

/**
 * The maintainers' own test: the running board goes into a metal box. The profile's default
 * outage is 3 × keepalive (15 s here): longer than the client's detection bound (1.5 ×
 * keepalive + slack) and than the broker's own timeout, so both ends must find out from their
 * own timers — no FIN, no RST, WLAN down. Then the box opens and the client must come back by
 * itself, resume publishing, and have lost nothing it was told was acknowledged.
 */
export default scenario({
  id: "faraday-cage",
  title: "Board in a Faraday cage for 3 keepalives (WLAN down, wire silent) while publishing and receiving QoS 1",
  faults: ["faradayCage", "apLoss"],
  client: { clean: true, keepalive: 5, response_time: 3 },
  async run(ctx) {
    const { device, observer, topics, bounds } = ctx;
    await device.up({ within: bounds.connectMs, what: "client connects" });
    await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes" });
    const upstream = device.publishEvery(topics.up, { qos: 1, everyMs: 200 });
    const downstream = observer.publishEvery(topics.down, { qos: 1, everyMs: 200 });
    await upstream.acked(3, { within: bounds.connectMs, what: "publishes flow before the fault" });

    await faradayCage(ctx);

    await device.up({ within: bounds.reconnectAfterHealMs, what: "client reconnects after the cage opens" });
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
    detectsOutageWithin(),
    noBusyLoop(),
  ],
});
