import { apLoss } from "../../src/faults/apLoss.ts";
import { outage } from "../resilience/_templates.ts";
import { ritual } from "./_ritual.ts";

/**
 * The access point is switched off for 3 keepalives and on again, by hand (its plug, or its
 * power switch): the board's WLAN loses the AP, nothing goes over the air, the broker drops
 * the half-open connection. The AP then boots (tens of seconds for most) — guided, the person
 * confirms the end when its WiFi is back, so the boot is not charged to the client — and the client must
 * come back by itself, subscribe again and lose nothing acknowledged. Same outline and checks
 * as resilience/ap-loss-long; unattended, the lab applies that AP loss.
 */
export default {
  ...outage({
    id: "manual-ap-power-cycle",
    title: "By hand: the WiFi access point is switched off for 3 keepalives and on again while the device publishes and receives QoS 1",
    faults: ["apLoss"],
    fault: ({ targets }) => apLoss(targets),
    through: (ctx) =>
      ritual(ctx, {
        step: "ap",
        begin: "Switch the WiFi access point off (pull its plug)",
        end: "Switch the access point on again",
        endDoneWhen: "its WiFi is back (its network is listed again on a phone or laptop): the client's reconnect is timed from your Enter, not from the switch",
        holdMs: 3 * ctx.client.keepalive * 1000,
        fault: apLoss(ctx.targets),
      }),
  }),
  manual: true,
  timeoutMs: 30 * 60_000,
};
