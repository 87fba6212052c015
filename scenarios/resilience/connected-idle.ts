import { scenario } from "../../src/scenario/dsl.ts";
import { idleCpu } from "../../src/checks/idleCpu.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { staysConnected } from "../../src/checks/staysConnected.ts";
import { connects } from "./_templates.ts";

/**
 * A board's idle budget: connected and subscribed, nothing to send and nothing coming, for
 * 3 keepalives (pings only). A battery-powered board that spins meanwhile is a bug even when
 * every message arrives; the client must sleep. idleCpu judges the device process's own CPU
 * time over the idle phase (≤ 5 % of one core) and lists every phase's figure and the lowest
 * free heap the agent saw.
 */
export default scenario({
  id: "connected-idle",
  title: "Connected and idle for 3 keepalives: the client leaves the CPU idle",
  faults: [],
  client: { clean: true, keepalive: 5, response_time: 3 },
  async run(ctx) {
    const { device, bounds, client } = ctx;
    await connects(ctx);
    ctx.phase("idle");
    await ctx.wait(3 * client.keepalive * 1000);
    ctx.phase("after");
    await ctx.answered(device.stats(), { within: bounds.reconnectCycleMs, what: "the device reports its heap" });
  },
  checks: () => [idleCpu(), staysConnected(), noUncaughtErrors()],
});
