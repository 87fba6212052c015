import { scenario } from "../../src/scenario/dsl.ts";
import { lossyLink } from "../../src/faults/lossyLink.ts";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { resumesPublishing } from "../../src/checks/resumesPublishing.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { orderPerTopic } from "../../src/checks/orderPerTopic.ts";
import { noDuplicatesBeyondDup } from "../../src/checks/noDuplicatesBeyondDup.ts";
import { noBusyLoop } from "../../src/checks/noBusyLoop.ts";

/**
 * The loss chain (Gilbert–Elliott, seeded by --seed through ctx.random): a step every 200 ms
 * (Linux's minimum retransmission timeout), 10 % chance per step to turn bad, 50 % to recover:
 * the link is stalled about 17 % of the time, a stall lasts 400 ms on average and now and then
 * a few seconds — sometimes past the client's response time, when it may rightly reconnect.
 */
const LOSS = { stepMs: 200, pGoodToBad: 0.1, pBadToGood: 0.5 };
/** Three keepalives of loss: several stalls, and pings that must cross them. */
const LOSSY_KEEPALIVES = 3;

/**
 * Packet loss as TCP shows it — bursty stalls, then everything at once, in order — on both
 * halves for three keepalives, while the device publishes and receives QoS 1 streams. The
 * client may ride the stalls out or reconnect; either way nothing acknowledged may be lost,
 * order per topic holds, duplicates come only as resends, it never spins while stalled, and
 * publishing resumes after the heal.
 */
export default scenario({
  id: "lossy-link",
  title: "Bursty packet loss (seeded Gilbert–Elliott stalls) for 3 keepalives while publishing and receiving QoS 1",
  faults: ["lossyLink"],
  client: { clean: true, keepalive: 5, response_time: 3 },
  async run({ device, observer, topics, bounds, client, targets, inject, heal, wait }) {
    await device.up({ within: bounds.connectMs, what: "client connects" });
    await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes" });
    const upstream = device.publishEvery(topics.up, { qos: 1, everyMs: 200 });
    const downstream = observer.publishEvery(topics.down, { qos: 1, everyMs: 200 });
    await upstream.acked(3, { within: bounds.connectMs, what: "publishes flow before the fault" });

    const lossy = await inject(lossyLink(targets, LOSS));
    await wait(LOSSY_KEEPALIVES * client.keepalive * 1000);
    await heal(lossy);

    // A stall past the response time may have made the client reconnect: one failed attempt
    // and one good one bring it back.
    await device.up({ within: bounds.reconnectAfterHealMs, what: "client is up after the loss ends" });
    await upstream.acked(5, { within: bounds.reconnectCycleMs, what: "client keeps publishing after the heal" });
    await Promise.all([upstream.stop(), downstream.stop()]);
  },
  checks: () => [noLostAcknowledged(), resumesPublishing(3), noUncaughtErrors(), orderPerTopic(), noDuplicatesBeyondDup(), noBusyLoop()],
});
