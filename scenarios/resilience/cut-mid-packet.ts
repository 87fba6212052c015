import { scenario } from "../../src/scenario/dsl.ts";
import { cutMidPacket } from "../../src/faults/cutMidPacket.ts";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { reconnectsWithin } from "../../src/checks/reconnectsWithin.ts";
import { resumesPublishing } from "../../src/checks/resumesPublishing.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { orderPerTopic } from "../../src/checks/orderPerTopic.ts";
import { noDuplicatesBeyondDup } from "../../src/checks/noDuplicatesBeyondDup.ts";
import { detectsOutageWithin } from "../../src/checks/detectsOutageWithin.ts";
import { noBusyLoop } from "../../src/checks/noBusyLoop.ts";

/**
 * Bytes that pass upstream before each connection is cut, drawn from --seed: 20–90 covers a
 * cut inside the CONNECT (about 30–45 bytes with this run's client id), inside the SUBSCRIBE
 * after it, or inside a ~40-byte PUBLISH of the stream on the connection that is open.
 */
const MIN_BYTES = 20;
const MAX_BYTES = 90;

/**
 * Cut mid-packet: the device → broker half of the connection passes a seeded number of bytes
 * and then closes (FIN), inside an MQTT packet; while the fault lasts every reconnect is cut
 * the same way. Held for two of the client's reconnect cycles, so it meets the cut on a
 * reconnect too. A publish whose bytes were cut must not count as acknowledged, the client
 * must notice each cut, keep yielding while it retries, and come back after the heal.
 */
export default scenario({
  id: "cut-mid-packet",
  title: "Device → broker connection cut inside an MQTT packet (seeded byte count), on every reconnect, for 2 reconnect cycles",
  faults: ["cutMidPacket"],
  client: { clean: true, keepalive: 5, response_time: 3 },
  async run({ device, observer, topics, bounds, targets, random, inject, heal, wait }) {
    await device.up({ within: bounds.connectMs, what: "client connects" });
    await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes" });
    const upstream = device.publishEvery(topics.up, { qos: 1, everyMs: 200 });
    const downstream = observer.publishEvery(topics.down, { qos: 1, everyMs: 200 });
    await upstream.acked(3, { within: bounds.connectMs, what: "publishes flow before the fault" });

    const bytes = random.int(MIN_BYTES, MAX_BYTES);
    const cut = await inject(cutMidPacket(targets, { bytes }));
    await wait(2 * bounds.reconnectCycleMs);
    await heal(cut);

    await device.up({ within: bounds.reconnectAfterHealMs, what: "client reconnects after the cuts stop" });
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
    // A cut is a FIN on the socket: the client must notice it within its keepalive promise.
    detectsOutageWithin(["cutMidPacket"]),
    noBusyLoop(),
  ],
});
