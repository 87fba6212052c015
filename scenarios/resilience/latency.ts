import { latency } from "../../src/faults/latency.ts";
import { degradedLink } from "./_templates.ts";

/** One-way delay and its jitter, ms: a round trip takes at most 2 × (1000 + 200) = 2.4 s. */
const LATENCY_MS = 1000;
const JITTER_MS = 200;

/**
 * A slow link: every byte either way is 1 s ± 200 ms late (a busy AP, a long path), for three
 * keepalives, while the device publishes a numbered QoS 1 stream and receives one. The
 * client's response time (4 s) is above the worst round trip (2.4 s), as a user on such a link
 * sets it: the link is slow, never dead by the client's own rules, so publishes must keep
 * completing during the fault, and nothing acknowledged may be lost, reordered or duplicated.
 * No reconnect is required (reconnectsWithin does not apply: the client need not go down).
 */
export default degradedLink({
  id: "latency",
  title: "Link 1 s ± 200 ms late each way for 3 keepalives while the device publishes and receives QoS 1",
  faults: ["latency"],
  client: { response_time: 4 },
  fault: ({ targets }) => latency(targets, { latencyMs: LATENCY_MS, jitterMs: JITTER_MS }),
  during: { acks: 2, what: "on the slow link", stretch: "slow" },
  // Had the client dropped the link anyway, one failed attempt and one good one bring it back.
  back: "client is up after the link is fast again",
});
