import type { Random } from "../lab/random.ts";
import { LabError, oneLine } from "../lab/errors.ts";
import { defineFault, type Fault, type FaultTargets } from "./fault.ts";
import { childRandom } from "./seeded.ts";
import { addToxics, HOLD_MS, requireNumber, streamsOf, type Direction, type ToxicSet } from "./toxics.ts";

export type LinkState = "good" | "bad";

export interface GilbertElliottParams {
  /**
   * How often the chain takes a step, in ms (default 200 — Linux's minimum TCP retransmission
   * timeout, the shortest stall a lost segment causes). A stall lasts a whole number of steps.
   */
  stepMs?: number;
  /** Chance per step, 0..1, that a good link turns bad (default 0.05). */
  pGoodToBad?: number;
  /** Chance per step, 0..1, that a bad link turns good again (default 0.5). */
  pBadToGood?: number;
}

export interface GilbertElliott {
  stepMs: number;
  pGoodToBad: number;
  pBadToGood: number;
}

export function gilbertElliottParams(p: GilbertElliottParams = {}, kind = "lossyLink"): GilbertElliott {
  const prob = (name: string, v: number) => requireNumber(kind, name, v, (x) => x >= 0 && x <= 1, "a probability between 0 and 1");
  return {
    stepMs: requireNumber(kind, "stepMs", p.stepMs ?? 200, (v) => Number.isInteger(v) && v >= 10, "a whole number of ms ≥ 10"),
    pGoodToBad: prob("pGoodToBad", p.pGoodToBad ?? 0.05),
    pBadToGood: prob("pBadToGood", p.pBadToGood ?? 0.5),
  };
}

/**
 * The Gilbert–Elliott two-state chain: a link is good or bad, and at every step it changes
 * state with the probability of its current state. Loss on a radio link comes in bursts (a
 * fade, a burst of interference), which this captures and independent loss does not. One draw
 * per step whatever the state, so a seed gives the same states step for step.
 * Returns a stepper: each call is one step and returns the state after it (the chain starts good).
 */
export function gilbertElliott(random: Random, p: GilbertElliott): () => LinkState {
  let state: LinkState = "good";
  return () => {
    const r = random.next();
    if (state === "good" ? r < p.pGoodToBad : r < p.pBadToGood) state = state === "good" ? "bad" : "good";
    return state;
  };
}

/** The first `steps` states of the chain for a seed: the schedule lossyLink plays. */
export function gilbertElliottStates(random: Random, p: GilbertElliott, steps: number): LinkState[] {
  const step = gilbertElliott(random, p);
  return Array.from({ length: steps }, step);
}

/** Stalls in a state sequence, in ms from the start: step i's state holds from (i+1)·stepMs. */
export function stallsOf(states: LinkState[], stepMs: number): { fromMs: number; toMs: number }[] {
  const out: { fromMs: number; toMs: number }[] = [];
  states.forEach((s, i) => {
    const at = (i + 1) * stepMs;
    const last = out[out.length - 1];
    if (s === "bad") {
      if (last && last.toMs === at) last.toMs = at + stepMs;
      else out.push({ fromMs: at, toMs: at + stepMs });
    }
  });
  return out;
}

export interface LossyLinkParams extends GilbertElliottParams {
  /** The halves that stall together: "both" (default), "upstream", "downstream". */
  direction?: Direction;
}

export const lossyLinkFault = defineFault({
  name: "lossyLink",
  help: "loss as TCP shows it: retransmission stalls",
  how: "a seeded Gilbert–Elliott chain; a bad state holds the bytes (no netem in this kernel)",
  make: lossyLink,
});

/**
 * Packet loss as TCP shows it. TCP hides a lost segment from the application: it is sent
 * again after the retransmission timeout (200 ms at least, doubling with each loss in a row),
 * and everything behind it waits. A lossy radio link therefore looks, from a client's socket,
 * like a link that stalls — bytes stop, then arrive all at once, in order, nothing missing —
 * in bursts. Long stalls run into a client's response time and keepalive.
 *
 * The kernel here has no netem, so the lab plays those stalls on the proxy: a seeded
 * Gilbert–Elliott chain (see gilbertElliott) steps every stepMs; when it turns bad, a Toxiproxy
 * `latency` toxic of HOLD_MS is added to the halves chosen, which holds every byte; when it
 * turns good, the toxic is removed and Toxiproxy delivers what it held, in order. Each turn is
 * a `fault` event (`stall` / `flow`) on the timeline; the chain's own seed is in the params,
 * so the schedule can be recomputed (gilbertElliottStates) from the timeline alone.
 */
export function lossyLink(targets: FaultTargets, params: LossyLinkParams = {}): Fault {
  const ge = gilbertElliottParams(params);
  const direction = params.direction ?? "both";
  const random = childRandom(targets.random);
  const seed = random.seed;
  const { link, lab } = targets;
  const tl = lab.timeline;

  let timer: NodeJS.Timeout | undefined;
  let work: Promise<void> = Promise.resolve();
  let stall: ToxicSet | undefined;
  let failure: string | undefined;
  let steps = 0;
  const step = gilbertElliott(random, ge);

  const stop = async () => {
    clearInterval(timer);
    timer = undefined;
    await work;
    const s = stall;
    stall = undefined;
    await s?.remove();
    if (failure) throw new LabError(failure);
  };

  const tick = () => {
    if (lab.abort.signal.aborted) {
      clearInterval(timer);
      return;
    }
    const n = ++steps;
    const state = step();
    work = work.then(async () => {
      if (timer === undefined || failure) return;
      try {
        if (state === "bad" && !stall) {
          stall = await addToxics(
            link,
            "lossyLink",
            streamsOf(direction).map((stream) => ({ type: "latency", stream, attributes: { latency: HOLD_MS, jitter: 0 } })),
          );
          tl.record("fault", "stall", { fault: "lossyLink", seed, step: n });
        } else if (state === "good" && stall) {
          const s = stall;
          stall = undefined;
          await s.remove();
          tl.record("fault", "flow", { fault: "lossyLink", seed, step: n });
        }
      } catch (err) {
        failure = `lossyLink could not ${state === "bad" ? "stall" : "release"} the link at step ${n}: ${oneLine(err)}`;
        tl.record("fault", "error", { fault: "lossyLink", msg: failure });
        clearInterval(timer);
      }
    });
  };

  return {
    kind: "lossyLink",
    params: {
      ...ge,
      direction,
      seed,
      // What the chain means, for a reader of the timeline: share of time stalled, mean stall.
      badShare: round(ge.pGoodToBad + ge.pBadToGood > 0 ? ge.pGoodToBad / (ge.pGoodToBad + ge.pBadToGood) : 0),
      meanStallMs: ge.pBadToGood > 0 ? Math.round(ge.stepMs / ge.pBadToGood) : null,
      stall: `latency ${HOLD_MS} ms while bad`,
    },
    async inject() {
      timer = setInterval(tick, ge.stepMs);
    },
    heal: stop,
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
