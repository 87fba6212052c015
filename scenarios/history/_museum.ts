import { scenario, type ClientSettings, type Scenario, type ScenarioContext } from "../../src/scenario/dsl.ts";
import type { Fault } from "../../src/faults/fault.ts";
import { loadBoardProfile } from "../../src/boards/profile.ts";
import { wlanRecovers } from "../../src/checks/wlanRecovers.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { connects, EVERY_MS } from "../resilience/_templates.ts";

/*
 * The regression museum's outline: a WiFi-level bug mqtt_as users reported, as the board they
 * saw it on behaves. The client connects and publishes; the AP goes for `outageMs` while the
 * board's WLAN driver is bent the way the issue describes (a WiFi-stack fault); when the AP is
 * back the client must bring the station back to an address (wlanRecovers: its own status()
 * values and connect() calls are the evidence) and reconnect to the broker. Each case fails on
 * the revision before its fix and passes on the fix (README "Regression museum").
 */
export interface MuseumCase {
  id: string;
  title: string;
  /** The board the issue was seen on (fixtures/boards/). */
  board: string;
  faults: string[];
  /** The AP outage with the driver bent. */
  fault: (ctx: ScenarioContext) => Fault;
  /** How long the AP stays away (default 2 × keepalive). */
  outageMs?: number;
  client?: ClientSettings;
}

/** mqtt_as's settings for the museum: its 5 s WiFi integrity check and keepalive as in its demos, compressed. */
const CLIENT: ClientSettings = { clean: true, keepalive: 5, response_time: 3 };

export function museumCase(c: MuseumCase): Scenario {
  return scenario({
    id: c.id,
    title: c.title,
    faults: c.faults,
    client: { ...CLIENT, ...c.client },
    device: { board: loadBoardProfile(c.board) },
    async run(ctx) {
      const { device, topics, bounds, client } = ctx;
      await connects(ctx);
      const up = device.publishEvery(topics.up, { qos: 1, everyMs: EVERY_MS });
      await up.acked(3, { within: bounds.connectMs, what: "publishes flow before the AP goes" });
      const f = await ctx.inject(c.fault(ctx));
      await ctx.wait(c.outageMs ?? 2 * client.keepalive * 1000);
      await ctx.heal(f);
      await device.up({ within: bounds.reconnectAfterHealMs, what: "client reconnects once the AP is back" });
      await up.acked(3, { within: bounds.reconnectCycleMs, what: "client publishes again" });
      await up.stop();
    },
    checks: () => [wlanRecovers(), noUncaughtErrors()],
  });
}
