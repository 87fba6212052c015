import { scenario, type ScenarioContext } from "../../src/scenario/dsl.ts";
import type { Fault, FaultTargets } from "../../src/faults/fault.ts";
import { partition } from "../../src/faults/partition.ts";
import { apLoss } from "../../src/faults/apLoss.ts";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { unnoticedPublishAccounted } from "../../src/checks/unnoticedPublishAccounted.ts";
import { reconnectsWithin } from "../../src/checks/reconnectsWithin.ts";
import { resumesPublishing } from "../../src/checks/resumesPublishing.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { detectsOutageWithin } from "../../src/checks/detectsOutageWithin.ts";
import { comesBack, EVERY_MS, outageMs } from "./_templates.ts";

/**
 * The link dies silently and the application publishes at once, before the client can have
 * noticed: its QoS 1 publish goes into a dead socket. Twice: a partition (WLAN up — only the
 * client's timers can tell) and an AP loss (the WLAN says down a moment later). Each such
 * publish — the marked "unnoticed-<fault>" one issued right after the fault began, and
 * whatever the application's numbered stream had in flight — must either arrive after the
 * outage (the client kept it and resent it) or be reported to the application as not sent.
 * Acknowledged-and-lost fails noLostAcknowledged; unanswered-and-lost fails
 * unnoticedPublishAccounted.
 */
export default scenario({
  id: "publish-during-unnoticed-outage",
  title: "QoS 1 publish issued right after a partition / AP loss began: delivered after the outage or reported not sent",
  faults: ["partition", "apLoss"],
  // keepalive 4 s compresses time; response_time 3 s is one PUBACK wait on a loaded machine.
  client: { clean: true, keepalive: 4, response_time: 3 },
  async run(ctx) {
    const { device, topics, bounds } = ctx;
    await device.up({ within: bounds.connectMs, what: "client connects" });
    const upstream = device.publishEvery(topics.up, { qos: 1, everyMs: EVERY_MS });
    await upstream.acked(5, { within: bounds.connectMs, what: "publishes flow before the fault" });
    await outageWithPublish(ctx, "partition", partition);
    await upstream.acked(5, { within: bounds.reconnectCycleMs, what: "client resumes publishing after the partition" });
    await outageWithPublish(ctx, "apLoss", apLoss);
    // Resumed within one reconnect cycle (resumesPublishing's own bound).
    await upstream.acked(5, { within: bounds.reconnectCycleMs, what: "client resumes publishing after the AP loss" });
    await upstream.stop();
  },
  checks: () => [noLostAcknowledged(), unnoticedPublishAccounted(), reconnectsWithin(), resumesPublishing(3), noUncaughtErrors(), detectsOutageWithin()],
});

async function outageWithPublish(ctx: ScenarioContext, name: string, make: (t: FaultTargets) => Fault): Promise<void> {
  const { device, topics, bounds, targets, inject, heal, wait } = ctx;
  const f = await inject(make(targets));
  // Issued the moment the fault is in place: no client notices a dead link this fast.
  const marked = device.publish(topics.up, `unnoticed-${name}`, { qos: 1 });
  // The client has to find out, give up the connection, and come back after the heal.
  await wait(outageMs(ctx));
  await heal(f);
  await comesBack(ctx, `client reconnects after the ${name}`);
  // The marked publish's answer: a client that kept it resends it on the new connection and gets
  // its PUBACK within one reconnect cycle; one that gave up has answered long before. No expectation
  // fails here: unnoticedPublishAccounted judges what the answer was, or that there was none.
  await Promise.race([marked, wait(bounds.reconnectCycleMs)]);
}

