import { defineFault, type Fault, type FaultTargets } from "./fault.ts";
import { requireNumber, streamsOf, toxicFault, type Direction } from "./toxics.ts";

export interface BandwidthParams {
  /**
   * Throughput cap in KB/s (1 KB = 1000 bytes, Toxiproxy's unit), on each half chosen. An
   * ESP8266 at the edge of its range manages a few KB/s.
   */
  rateKBps: number;
  /** "both" (default), "upstream" (device → broker) or "downstream" (broker → device). */
  direction?: Direction;
}

export const bandwidthFault = defineFault({
  name: "bandwidth",
  help: "a weak ESP8266 link",
  how: "`bandwidth` toxic (`rateKBps`)",
  example: { rateKBps: 1 },
  make: bandwidth,
});

/**
 * Slow link: a weak ESP8266 link, where the radio falls back to its lowest rates. Small MQTT
 * packets barely notice; a large payload (or a burst of queued messages at reconnect) takes
 * seconds to cross, long enough to run into a client's response time or keepalive.
 *
 * The lab adds a Toxiproxy `bandwidth` toxic (rate in KB/s) to each half chosen; data beyond
 * the rate waits in the proxy (and then in the socket buffers), in order.
 */
export function bandwidth(targets: FaultTargets, params: BandwidthParams): Fault {
  const rateKBps = requireNumber("bandwidth", "rateKBps", params.rateKBps, (v) => Number.isInteger(v) && v >= 1, "a whole number of KB/s ≥ 1");
  const direction = params.direction ?? "both";
  return toxicFault(
    targets.link,
    "bandwidth",
    { rateKBps, direction },
    streamsOf(direction).map((stream) => ({ type: "bandwidth", stream, attributes: { rate: rateKBps } })),
  );
}
