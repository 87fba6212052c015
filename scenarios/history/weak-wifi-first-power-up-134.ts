import { scenario } from "../../src/scenario/dsl.ts";
import { loadBoardProfile } from "../../src/boards/profile.ts";
import { wlanRecovers } from "../../src/checks/wlanRecovers.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { connects, EVERY_MS } from "../resilience/_templates.ts";

/**
 * peterhinch/micropython-mqtt#134 (open): a Pico W powered up far from the router "just quit
 * without re-trying": status() went 1, 1, 1, -1 (or -2) and connect() raised "Connection
 * failed"; closer to the router it worked. mqtt_as gives up on a first connection by design
 * (its author, #161: errors on the initial connection "usually require user intervention"),
 * so an application on weak WiFi never starts. The board boots with its first connect()
 * attempt failing as on weak WiFi (the connectFails fault from boot); the client must keep
 * trying until the second one works. Fails at every revision so far: there is no fix.
 */
export default scenario({
  id: "history-134-weak-wifi-first-power-up",
  title: "#134: Pico W on weak WiFi at first power-up: the first connect() attempt fails, the client must try again",
  faults: ["connectFails"],
  client: { clean: true, keepalive: 5, response_time: 3 },
  device: { board: loadBoardProfile("rp2-pico-w"), wlan: { fail: 1 } },
  async run(ctx) {
    const { device, topics, bounds } = ctx;
    await connects(ctx);
    const up = device.publishEvery(topics.up, { qos: 1, everyMs: EVERY_MS });
    await up.acked(3, { within: bounds.connectMs, what: "publishes flow after the first power-up" });
    await up.stop();
  },
  checks: () => [wlanRecovers(), noUncaughtErrors()],
});
