import { scenario } from "../../src/scenario/dsl.ts";
import { noisyRadio } from "../../src/faults/profiles/noisyRadio.ts";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { resumesPublishing } from "../../src/checks/resumesPublishing.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { orderPerTopic } from "../../src/checks/orderPerTopic.ts";
import { noDuplicatesBeyondDup } from "../../src/checks/noDuplicatesBeyondDup.ts";
import { noBusyLoop } from "../../src/checks/noBusyLoop.ts";

/** Three keepalives of noise (15 s here); the profile's own defaults for the rest. */
const NOISY_KEEPALIVES = 3;

/**
 * Noisy radio: a crowded 2.4 GHz band. The profile's defaults: 80 ± 60 ms each way and a
 * seeded loss chain (a step every 200 ms, 10 % to turn bad, 60 % to recover: stalls of about
 * 330 ms, 14 % of the time). Slow and uneven, never gone: the client must not lose, reorder or
 * duplicate beyond resends, must not spin in the stalls, and must publish after it. A stall
 * long enough for a reconnect is allowed; nothing requires one.
 */
export default scenario({
  id: "noisy-radio",
  title: "Noisy 2.4 GHz band (80 ± 60 ms and seeded bursty loss) for 3 keepalives while publishing and receiving QoS 1",
  faults: ["noisyRadio", "latency", "lossyLink"],
  client: { clean: true, keepalive: 5, response_time: 3 },
  async run(ctx) {
    const { device, observer, topics, bounds, client } = ctx;
    await device.up({ within: bounds.connectMs, what: "client connects" });
    await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes" });
    const upstream = device.publishEvery(topics.up, { qos: 1, everyMs: 200 });
    const downstream = observer.publishEvery(topics.down, { qos: 1, everyMs: 200 });
    await upstream.acked(3, { within: bounds.connectMs, what: "publishes flow before the fault" });

    await noisyRadio(ctx, { durationMs: NOISY_KEEPALIVES * client.keepalive * 1000 });

    await device.up({ within: bounds.reconnectAfterHealMs, what: "client is up after the noise" });
    await upstream.acked(5, { within: bounds.reconnectCycleMs, what: "client keeps publishing after the noise" });
    await Promise.all([upstream.stop(), downstream.stop()]);
  },
  checks: () => [noLostAcknowledged(), resumesPublishing(3), noUncaughtErrors(), orderPerTopic(), noDuplicatesBeyondDup(), noBusyLoop()],
});
