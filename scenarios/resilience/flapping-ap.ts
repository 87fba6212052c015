import { flappingAp } from "../../src/faults/profiles/flappingAp.ts";
import { repeatedCut } from "./_templates.ts";

/**
 * Four AP losses, each 0.5–3 s (mostly below the keepalive, so the WLAN is the client's only
 * early hint), 2–5 s apart: the gaps and lengths are drawn from --seed (the profile's schedule
 * is on the timeline). A client that reconnects slowly is still reconnecting when the next one
 * hits, so reconnectsWithin (which times the up after each heal) does not apply; the scenario
 * instead waits one reconnect bound after the last flap.
 */
const FLAPS = { outages: 4, minOutageMs: 500, maxOutageMs: 3000, minGapMs: 2000, maxGapMs: 5000 };

/**
 * Flapping AP: the access point drops the station again and again, at seeded irregular
 * intervals, while the device publishes and receives QoS 1 streams. The client must not lose
 * what it was told was acknowledged, must not spin, must notice outages, and must be up and
 * publishing once the AP settles.
 */
export default repeatedCut({
  id: "flapping-ap",
  title: "AP drops the station 4 times for 0.5–3 s at seeded 2–5 s intervals while publishing and receiving QoS 1",
  faults: ["flappingAp", "apLoss"],
  profile: (ctx) => flappingAp(ctx, FLAPS),
  back: "client reconnects once the AP settles",
  // Its AP losses are outage faults: detectsOutageWithin judges them as it judges every outage.
  checks: { reconnectsWithin: false, detectsOutageWithin: true },
});
