import { noisyRadio } from "../../src/faults/profiles/noisyRadio.ts";
import { degradedLink } from "./_templates.ts";

/** Three keepalives of noise (15 s here); the profile's own defaults for the rest. */
const NOISY_KEEPALIVES = 3;

/**
 * Noisy radio: a crowded 2.4 GHz band. The profile's defaults: 80 ± 60 ms each way and a
 * seeded loss chain (a step every 200 ms, 10 % to turn bad, 60 % to recover: stalls of about
 * 330 ms, 14 % of the time). Slow and uneven, never gone: the client must not lose, reorder or
 * duplicate beyond resends, must not spin in the stalls, and must publish after it. A stall
 * long enough for a reconnect is allowed; nothing requires one.
 */
export default degradedLink({
  id: "noisy-radio",
  title: "Noisy 2.4 GHz band (80 ± 60 ms and seeded bursty loss) for 3 keepalives while publishing and receiving QoS 1",
  faults: ["noisyRadio", "latency", "lossyLink"],
  profile: (ctx) => noisyRadio(ctx, { durationMs: NOISY_KEEPALIVES * ctx.client.keepalive * 1000 }),
  back: "client is up after the noise",
  resumes: "client keeps publishing after the noise",
  checks: { noBusyLoop: true },
});
