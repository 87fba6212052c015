import { defineFault, type Fault, type FaultTargets } from "./fault.ts";
import { requireNumber, streamsOf, toxicFault, type Direction } from "./toxics.ts";

export interface LatencyParams {
  /** Delay added to every chunk of data, in ms, on each half of the wire chosen. */
  latencyMs: number;
  /** ± this much, in ms (default 0): each chunk is delayed latencyMs ± up to jitterMs. */
  jitterMs?: number;
  /**
   * Which half: "upstream" (device → broker), "downstream" (broker → device) or "both"
   * (default). With "both" a round trip (PUBLISH → PUBACK, PINGREQ → PINGRESP) takes
   * 2 × latencyMs longer.
   */
  direction?: Direction;
}

export const latencyFault = defineFault({
  name: "latency",
  help: "slow or congested link",
  how: "`latency` toxic (`latencyMs`, `jitterMs`, `direction`)",
  example: { latencyMs: 1000 },
  make: latency,
});

/**
 * Latency and jitter: a slow or congested link — a busy AP, a weak signal with many
 * retransmissions at the radio layer, a long path to the broker. Everything arrives, in order,
 * late; acknowledgements come close to (or past) a client's response time.
 *
 * The lab adds a Toxiproxy `latency` toxic (latency, jitter in ms) to each half chosen. Data is
 * never reordered: a chunk that drew a shorter delay still waits for the one before it. The
 * per-chunk jitter draws are Toxiproxy's own (Go's math/rand, not --seed); what a seed
 * replays is when the fault starts and ends and its bounds, which are on the timeline.
 */
export function latency(targets: FaultTargets, params: LatencyParams): Fault {
  const latencyMs = requireNumber("latency", "latencyMs", params.latencyMs, (v) => v >= 0, "a number of ms ≥ 0");
  const jitterMs = requireNumber("latency", "jitterMs", params.jitterMs ?? 0, (v) => v >= 0 && v <= latencyMs, "a number of ms between 0 and latencyMs");
  const direction = params.direction ?? "both";
  return toxicFault(
    targets.link,
    "latency",
    { latencyMs, jitterMs, direction },
    streamsOf(direction).map((stream) => ({ type: "latency", stream, attributes: { latency: latencyMs, jitter: jitterMs } })),
  );
}
