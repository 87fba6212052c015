import { scenario } from "../../src/scenario/dsl.ts";
import { bandwidth } from "../../src/faults/bandwidth.ts";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { resumesPublishing } from "../../src/checks/resumesPublishing.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { orderPerTopic } from "../../src/checks/orderPerTopic.ts";
import { noDuplicatesBeyondDup } from "../../src/checks/noDuplicatesBeyondDup.ts";

/** A weak ESP8266 link at the edge of range: its lowest rates, a few KB/s. 2 KB/s each way. */
const RATE_KBPS = 2;
/** Downstream messages of 1 KB once a second: half the link, each one 0.5 s on the wire. */
const BIG_BYTES = 1000;
const BIG_EVERY_MS = 1000;
/** Three keepalives on the slow link. */
const SLOW_KEEPALIVES = 3;

/**
 * A weak ESP8266 link (2 KB/s each way) for three keepalives. The observer sends the device a
 * numbered QoS 1 stream of 1 KB messages once a second (half the link's capacity, so the load
 * fits but every message takes half a second to cross and PUBACKs and PINGRESPs queue behind
 * them); the device publishes its own small numbered stream. The link is slow, not dead: the
 * client's publishes must keep completing within its own response time, nothing acknowledged
 * may be lost or reordered, and big messages must arrive whole.
 */
export default scenario({
  id: "bandwidth",
  title: "Weak ESP8266 link (2 KB/s) for 3 keepalives with 1 KB messages down and a QoS 1 stream up",
  faults: ["bandwidth"],
  client: { clean: true, keepalive: 5, response_time: 3 },
  async run({ device, observer, topics, bounds, client, targets, inject, heal, wait }) {
    await device.up({ within: bounds.connectMs, what: "client connects" });
    await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes" });
    const everyMs = 200;
    const upstream = device.publishEvery(topics.up, { qos: 1, everyMs });
    // The downstream stream: "seq=N " padded to BIG_BYTES, one a second, each waiting for its PUBACK.
    let n = 0;
    let stopped = false;
    const big = (async () => {
      while (!stopped) {
        n++;
        const head = `seq=${n} `;
        await observer.publish(topics.down, head + "x".repeat(BIG_BYTES - head.length), { qos: 1 });
        if (!stopped) await wait(BIG_EVERY_MS);
      }
    })();
    await upstream.acked(3, { within: bounds.connectMs, what: "publishes flow before the fault" });

    const slow = await inject(bandwidth(targets, { rateKBps: RATE_KBPS }));
    // Each publish answered within the client's response time (a PUBACK may wait behind one
    // 1 KB message, 0.5 s): two in 2 × (response time + everyMs).
    const perPublish = client.response_time * 1000 + everyMs;
    await upstream.acked(2, { within: 2 * perPublish, what: "publishes still complete on the weak link" });
    await wait(SLOW_KEEPALIVES * client.keepalive * 1000);
    await upstream.acked(1, { within: perPublish, what: "publishes still complete at the end of the weak stretch" });
    await heal(slow);

    await device.up({ within: bounds.reconnectAfterHealMs, what: "client is up after the link recovers" });
    await upstream.acked(5, { within: bounds.reconnectCycleMs, what: "client keeps publishing after the heal" });
    stopped = true;
    await Promise.all([upstream.stop(), big]);
  },
  checks: () => [noLostAcknowledged(), resumesPublishing(3), noUncaughtErrors(), orderPerTopic(), noDuplicatesBeyondDup()],
});
