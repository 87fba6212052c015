import { scenario, type ScenarioContext } from "../../src/scenario/dsl.ts";
import { powerCycle } from "../../src/faults/powerCycle.ts";
import { connects, EVERY_MS, held, resilienceChecks, resubscribes, streams } from "./_templates.ts";

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
  // 2 × keepalive (8 s) outlasts the broker's 1.5 × keepalive, so the broker has dropped the
  // dead connection and queues in the session, as for a board left off.
  run: (ctx) => offAndBooted(ctx, () => held(ctx, powerCycle(ctx.targets), 2 * ctx.client.keepalive * 1000)),
  checks: () => resilienceChecks({ subscriptionsSurvive: true, session: "resumed" }),
});

/**
 * The outline around a power cycle, however the power goes (`off`: the lab's fault, or a
 * person's hand on the RESET button): streams both ways, the application's loop stopped with the
 * board, then after the boot a first connection, the renewed subscription, publishing again and
 * the queued messages.
 */
export async function offAndBooted(ctx: ScenarioContext, off: () => Promise<void>): Promise<void> {
  const { device, topics, bounds } = ctx;
  await connects(ctx);
  const { upstream, downstream } = await streams(ctx, { acked: 5 });
  // The application loop dies with the board: stop issuing before the power goes.
  await upstream.stop();
  await off();
  // A booted board connects as on its first start: the first-connection bound (WiFi stability
  // wait + 2 response times + 2 s + slack); reconnectsWithin separately holds it to 2 cycles + slack.
  await device.up({ within: bounds.connectMs, what: "client connects after the boot" });
  await resubscribes(ctx, "client subscribes after the boot");
  // The rebooted application's loop starts again (its numbering restarts, as a fresh boot's
  // would; the ledger tells the copies apart by time): 5 acknowledged within one reconnect cycle.
  const again = device.publishEvery(topics.up, { qos: 1, everyMs: EVERY_MS });
  await again.acked(5, { within: bounds.reconnectCycleMs, what: "client publishes again after the boot" });
  await downstream.ackedPastResubscribe();
  await Promise.all([again.stop(), downstream.stop()]);
}
