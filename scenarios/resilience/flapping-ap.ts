import { scenario } from "../../src/scenario/dsl.ts";
import { flappingAp } from "../../src/faults/profiles/flappingAp.ts";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { resumesPublishing } from "../../src/checks/resumesPublishing.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { orderPerTopic } from "../../src/checks/orderPerTopic.ts";
import { noDuplicatesBeyondDup } from "../../src/checks/noDuplicatesBeyondDup.ts";
import { detectsOutageWithin } from "../../src/checks/detectsOutageWithin.ts";
import { noBusyLoop } from "../../src/checks/noBusyLoop.ts";

/**
 * Four AP losses, each 0.5–3 s (mostly below the keepalive, so the WLAN is the client's only
 * early hint), 2–5 s apart: the gaps and lengths are drawn from --seed (the profile's schedule
 * is on the timeline). A client that reconnects slowly is still reconnecting when the next one
 * hits, so reconnectsWithin (which times the up after each heal) does not apply; the scenario
 * instead waits one reconnect bound after the last flap.
 */
const FLAPS = { outages: 4, minOutageMs: 500, maxOutageMs: 3000, minGapMs: 2000, maxGapMs: 5000 };

/**
 * Flapping AP: the access point drops the station again and again, at seeded irregular
 * intervals, while the device publishes and receives QoS 1 streams. The client must not lose
 * what it was told was acknowledged, must not spin, must notice outages, and must be up and
 * publishing once the AP settles.
 */
export default scenario({
  id: "flapping-ap",
  title: "AP drops the station 4 times for 0.5–3 s at seeded 2–5 s intervals while publishing and receiving QoS 1",
  faults: ["flappingAp", "apLoss"],
  client: { clean: true, keepalive: 5, response_time: 3 },
  async run(ctx) {
    const { device, observer, topics, bounds } = ctx;
    await device.up({ within: bounds.connectMs, what: "client connects" });
    await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes" });
    const upstream = device.publishEvery(topics.up, { qos: 1, everyMs: 200 });
    const downstream = observer.publishEvery(topics.down, { qos: 1, everyMs: 200 });
    await upstream.acked(3, { within: bounds.connectMs, what: "publishes flow before the fault" });

    await flappingAp(ctx, FLAPS);

    await device.up({ within: bounds.reconnectAfterHealMs, what: "client reconnects once the AP settles" });
    await upstream.acked(5, { within: bounds.reconnectCycleMs, what: "client resumes publishing" });
    await Promise.all([upstream.stop(), downstream.stop()]);
  },
  checks: () => [noLostAcknowledged(), resumesPublishing(3), noUncaughtErrors(), orderPerTopic(), noDuplicatesBeyondDup(), detectsOutageWithin(), noBusyLoop()],
});
