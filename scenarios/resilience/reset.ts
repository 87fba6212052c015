import { reset } from "../../src/faults/reset.ts";
import { repeatedCut } from "./_templates.ts";

/**
 * Reset: a middlebox that lost the connection's state answers its next segment: the live
 * connection ends (FIN, see the fault's note), and every reconnect attempt is answered with an
 * RST (ECONNRESET) until the fault heals, two of the client's reconnect cycles later, so the
 * client meets the RST on at least one reconnect. It must notice, survive the ECONNRESET path
 * without an exception escaping, not spin while retrying, and come back after the heal with
 * nothing acknowledged lost.
 */
export default repeatedCut({
  id: "reset",
  title: "Connection reset by a middlebox; every reconnect reset (RST) for 2 reconnect cycles",
  faults: ["reset"],
  cut: ({ targets }) => reset(targets, { timeoutMs: 0 }),
  back: "client reconnects after the resets stop",
});
