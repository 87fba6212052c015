import { lossyLink } from "../../src/faults/lossyLink.ts";
import { degradedLink } from "./_templates.ts";

/**
 * The loss chain (Gilbert–Elliott, seeded by --seed through ctx.random): a step every 200 ms
 * (Linux's minimum retransmission timeout), 10 % chance per step to turn bad, 50 % to recover:
 * the link is stalled about 17 % of the time, a stall lasts 400 ms on average and now and then
 * a few seconds — sometimes past the client's response time, when it may rightly reconnect.
 */
const LOSS = { stepMs: 200, pGoodToBad: 0.1, pBadToGood: 0.5 };

/**
 * Packet loss as TCP shows it — bursty stalls, then everything at once, in order — on both
 * halves for three keepalives (several stalls, and pings that must cross them), while the
 * device publishes and receives QoS 1 streams. The client may ride the stalls out or
 * reconnect; either way nothing acknowledged may be lost, order per topic holds, duplicates
 * come only as resends, it never spins while stalled, and publishing resumes after the heal.
 */
export default degradedLink({
  id: "lossy-link",
  title: "Bursty packet loss (seeded Gilbert–Elliott stalls) for 3 keepalives while publishing and receiving QoS 1",
  faults: ["lossyLink"],
  fault: ({ targets }) => lossyLink(targets, LOSS),
  // A stall past the response time may have made the client reconnect: one failed attempt
  // and one good one bring it back.
  back: "client is up after the loss ends",
  checks: { noBusyLoop: true },
});
