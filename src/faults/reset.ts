import { defineFault, type Fault, type FaultTargets } from "./fault.ts";
import { requireNumber, streamsOf, toxicFault, type Direction } from "./toxics.ts";

export interface ResetParams {
  /** How long after the first data the connection is reset, in ms (default 0: at once). */
  timeoutMs?: number;
  /** Data on which half triggers the reset: "both" (default), "upstream", "downstream". */
  direction?: Direction;
}

export const resetFault = defineFault({
  name: "reset",
  help: "an RST from a middlebox",
  how: "`reset_peer` toxic",
  make: reset,
});

/**
 * Reset: a middlebox (a NAT that lost its state, a firewall, a load balancer) answers the
 * connection's next segment with an RST. The client's read or write fails with ECONNRESET — a
 * different error path from a clean close (EOF), and one clients often get wrong.
 *
 * The lab adds a Toxiproxy `reset_peer` toxic (timeout in ms) to the halves chosen: the first
 * data on a connection ends it. Measured on Toxiproxy 2.12: a connection opened while the
 * toxic is in place gets a real RST (Toxiproxy sets SO_LINGER 0 when a connection starts), but
 * the one already open when it is added is ended with a FIN, since that option is only set at
 * a connection's start. So the client sees its live connection close, then an RST on every
 * reconnect until the fault is healed.
 */
export function reset(targets: FaultTargets, params: ResetParams = {}): Fault {
  const timeoutMs = requireNumber("reset", "timeoutMs", params.timeoutMs ?? 0, (v) => Number.isInteger(v) && v >= 0, "a whole number of ms ≥ 0");
  const direction = params.direction ?? "both";
  return toxicFault(
    targets.link,
    "reset",
    { timeoutMs, direction },
    streamsOf(direction).map((stream) => ({ type: "reset_peer", stream, attributes: { timeout: timeoutMs } })),
  );
}
