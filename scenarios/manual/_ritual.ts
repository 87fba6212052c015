import type { ScenarioContext } from "../../src/scenario/dsl.ts";
import type { Fault } from "../../src/faults/fault.ts";

/*
 * The seed's hardware rituals as guided steps. A ritual is two things a person does at the
 * bench ("switch the AP off now" … "switch it on again") with a stretch between them that the
 * lab times, and the fault the lab applies instead when nobody is there (--unattended: the
 * virtual board, the unix device).
 *
 * Guided, the fault's span on the timeline opens when the person confirms the first step (Enter)
 * and closes when they confirm the second: the checkers time detection and recovery from the
 * moments the person said it happened, with the same bounds as the resilience counterpart, and
 * the lab adds nothing of its own (the person's act is the fault) beyond recording, at the first
 * confirmation, what the act did to the device (`atBegin`: a board's power). Unattended, the fault is
 * injected and healed as the resilience scenario does it.
 */
export interface Ritual {
  /** The step's name on the timeline ("cage"). */
  step: string;
  /** What the person does to begin it ("Put the board in the tin box and close the lid"). */
  begin: string;
  /** What they do to end it ("Open the box"). */
  end: string;
  /**
   * When the end is done, where that is not the act itself: an AP switched on serves again only
   * after it has booted (tens of seconds), and the client's reconnect is timed from the Enter —
   * so the person confirms when its WiFi is back, not when they flipped the switch.
   */
  endDoneWhen?: string;
  /** How long the stretch lasts after the first confirmation, ms: the lab says when it is over. */
  holdMs: number;
  /** The fault it stands for: its kind names the span; unattended, the lab applies it. */
  fault: Fault;
  /**
   * Guided, what the lab records itself the moment the person confirms the first step, when the
   * person's act changes the device itself (the board's power went: the lab records it then and
   * lets the device's agent go as a dead device, writing nothing to the board).
   */
  atBegin?: () => Promise<void>;
  /**
   * Guided, what the lab still does itself when the person ends the step (after a board's power
   * comes back: start the agent and the client again, as the board's main.py would).
   */
  afterEnd?: () => Promise<void>;
  /** Unattended, something richer than holding `fault` (a walk's degrading stages). */
  unattended?: (ctx: ScenarioContext) => Promise<void>;
}

export async function ritual(ctx: ScenarioContext, r: Ritual): Promise<void> {
  const { bench, targets } = ctx;
  const tl = targets.lab.timeline;
  const signal = targets.lab.abort.signal;
  if (bench.unattended) {
    tl.record("lab", "manual.done", { step: `${r.step}.begin`, text: r.begin, unattended: true });
    if (r.unattended) await r.unattended(ctx);
    else {
      const f = await ctx.inject(r.fault);
      await ctx.wait(r.holdMs);
      await ctx.heal(f);
    }
    tl.record("lab", "manual.done", { step: `${r.step}.end`, text: r.end, unattended: true });
    return;
  }
  const seconds = Math.round(r.holdMs / 1000);
  await bench.confirm(tl, `${r.step}.begin`, `${r.begin} — the lab then counts ${seconds} s and tells you when to end it`, signal);
  const byHand: Fault = {
    kind: r.fault.kind,
    params: { byHand: r.begin },
    inject: async () => r.atBegin?.(),
    heal: async () => r.afterEnd?.(),
    restore: async () => undefined,
  };
  const f = await ctx.inject(byHand);
  await ctx.wait(r.holdMs);
  await bench.confirm(tl, `${r.step}.end`, `${r.end} now${r.endDoneWhen ? ` — it is done when ${r.endDoneWhen}` : ""}`, signal);
  await ctx.heal(f);
}
