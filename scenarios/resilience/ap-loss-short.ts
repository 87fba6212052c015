import { apLoss } from "../../src/faults/apLoss.ts";
import { outage } from "./_templates.ts";

/**
 * A short AP loss, shorter than the keepalive: the WLAN reports down and the wire is silent for
 * keepalive / 2, then the AP is back. A client that watches its WLAN notices at once; one that
 * only has the keepalive may not, but the connection that lived through the blip is closed at
 * the heal (the proxy FINs it, as a NAT or AP that lost its state would), so every client must
 * reconnect. Nothing it was told was acknowledged may be lost, publishes resume, and its
 * subscriptions are renewed.
 */
export default outage({
  id: "ap-loss-short",
  title: "Access point lost for half a keepalive (shorter than the keepalive) while the device publishes and receives QoS 1",
  faults: ["apLoss"],
  fault: ({ targets }) => apLoss(targets),
  // keepalive / 2 (2 s): a blip the client need not notice by its timers (its WLAN says down,
  // though), so detectsOutageWithin does not apply.
  holdMs: ({ client }) => (client.keepalive * 1000) / 2,
  checks: { detectsOutageWithin: false },
});
