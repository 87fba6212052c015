import { scenario } from "../../src/scenario/dsl.ts";
import { powerCycle } from "../../src/faults/powerCycle.ts";
import { noLostAcknowledged } from "../../src/checks/noLostAcknowledged.ts";
import { reconnectsWithin } from "../../src/checks/reconnectsWithin.ts";
import { resumesPublishing } from "../../src/checks/resumesPublishing.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { subscriptionsSurvive } from "../../src/checks/subscriptionsSurvive.ts";
import { sessionResumed } from "../../src/checks/session.ts";
import { noBusyLoop } from "../../src/checks/noBusyLoop.ts";

/** Stream period (ms). */
const EVERY_MS = 200;

/**
 * The board loses power for 2 × keepalive and boots again: RAM is gone, nothing went out on
 * the wire (the broker sees no DISCONNECT and drops the half-open connection after its 1.5 ×
 * keepalive). The firmware asks to keep its session from the very first connection
 * (clean=false, clean_init=false) and the broker is durable, so after the reboot the client
 * must find its session (session present 1) and receive what the observer published to it
 * while it was off; its subscription is renewed by the application as after every up.
 * The device's own publishes died with its RAM unacknowledged (not owed); after the boot it
 * must publish again.
 */
export default scenario({
  id: "power-cycle",
  title: "Device power-cycled for 2 × keepalive with a kept session (clean=false, clean_init=false): queued messages arrive after the boot",
  faults: ["powerCycle"],
  // keepalive 4 s compresses time; response_time 3 s is one CONNACK/PUBACK wait on a loaded machine.
  client: { clean: false, clean_init: false, keepalive: 4, response_time: 3 },
  broker: { durable: true },
  async run({ device, observer, topics, bounds, client, targets, inject, heal, wait }) {
    await device.up({ within: bounds.connectMs, what: "client connects" });
    await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes" });
    const upstream = device.publishEvery(topics.up, { qos: 1, everyMs: EVERY_MS });
    const downstream = observer.publishEvery(topics.down, { qos: 1, everyMs: EVERY_MS });
    await upstream.acked(5, { within: bounds.connectMs, what: "publishes flow before the fault" });
    // The application loop dies with the board: stop issuing before the power goes.
    await upstream.stop();

    const f = await inject(powerCycle(targets));
    // The fault's own duration: 2 × keepalive (8 s) outlasts the broker's 1.5 × keepalive, so the
    // broker has dropped the dead connection and queues in the session, as for a board left off.
    await wait(2 * client.keepalive * 1000);
    await heal(f);

    // A booted board connects as on its first start: the first-connection bound (WiFi stability
    // wait + 2 response times + 2 s + slack); reconnectsWithin separately holds it to 2 cycles + slack.
    await device.up({ within: bounds.connectMs, what: "client connects after the boot" });
    await device.subscribed(topics.down, { within: bounds.reconnectCycleMs, what: "client subscribes after the boot" });
    // The rebooted application's loop starts again (its numbering restarts, as a fresh boot's
    // would; the ledger tells the copies apart by time): 5 acknowledged within one reconnect cycle.
    const again = device.publishEvery(topics.up, { qos: 1, everyMs: EVERY_MS });
    await again.acked(5, { within: bounds.reconnectCycleMs, what: "client publishes again after the boot" });
    // subscriptionsSurvive judges observer publishes later than one response time after the up.
    await downstream.acked(Math.ceil((client.response_time * 1000 + 1000) / EVERY_MS), {
      within: bounds.reconnectCycleMs + client.response_time * 1000,
      what: "observer keeps publishing to the device",
    });
    await Promise.all([again.stop(), downstream.stop()]);
  },
  checks: () => [
    noLostAcknowledged(),
    reconnectsWithin(),
    resumesPublishing(3),
    noUncaughtErrors(),
    subscriptionsSurvive(),
    noBusyLoop(),
    sessionResumed(),
  ],
});

