import { scenario } from "../../src/scenario/dsl.ts";
import { powerCycle } from "../../src/faults/powerCycle.ts";
import powerCycleScenario, { offAndBooted } from "../resilience/power-cycle.ts";
import { ritual } from "./_ritual.ts";

/**
 * The board loses power for 2 keepalives and boots again, by hand: hold its RESET (EN) button
 * down — the chip is off while it is held, and the USB-serial bridge keeps the port — then let
 * go. The lab records the power going off when the person confirms the button is held (the
 * device's agent is gone then; nothing is written to the board while it is off), and when they
 * let go it starts the agent and the client again as the board's main.py would. Same
 * settings, outline and checks as resilience/power-cycle (a kept session must bring the queued
 * messages); unattended, the lab power-cycles the device itself.
 */
export default scenario({
  ...powerCycleScenario,
  id: "manual-board-power-cycle",
  title: "By hand: the board is held in reset (power off) for 2 keepalives with a kept session; queued messages arrive after the boot",
  manual: true,
  timeoutMs: 30 * 60_000,
  run: (ctx) =>
    offAndBooted(ctx, () =>
      ritual(ctx, {
        step: "power",
        begin: "Press and hold the board's RESET (EN) button",
        end: "Let go of the RESET button",
        holdMs: 2 * ctx.client.keepalive * 1000,
        fault: powerCycle(ctx.targets),
        // The power goes when the person confirms the button is held: recorded then, not when it returns.
        atBegin: () => ctx.targets.device.powerOff({ byHand: true }),
        afterEnd: () => ctx.targets.device.powerOn(),
      }),
    ),
});
