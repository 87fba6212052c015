import { oneLine } from "../lab/errors.ts";
import { defineFault, type Fault, type FaultTargets } from "./fault.ts";
import { addToxics, HOLD_MS, type ToxicSet } from "./toxics.ts";
import { isDeviceUp } from "../timeline/is.ts";

export const powerCycleFault = defineFault({
  name: "powerCycle",
  help: "power lost, RAM gone",
  how: "the device process is killed (its FIN held, as a dead board sends none) and started again",
  make: powerCycle,
});

/**
 * Power cycle: the board loses power (a brown-out, a watchdog reset, a pulled plug) and boots
 * again. Everything in RAM is gone — the client's session state, its queued publishes, its
 * packet ids — and nothing at all goes out on the wire: the broker keeps the half-open
 * connection until its keepalive runs out (1.5 × keepalive) or the rebooted board connects
 * again with the same client id and takes the session over.
 *
 * The lab kills the device process at once (SIGKILL: no DISCONNECT) and heals by starting the
 * agent again and the client with the run's settings, so its first connection is a first
 * connection again (clean_init). How long the board stays off is the scenario's wait.
 * The host kernel does close a killed process's socket (a FIN, or an RST with unread data),
 * which a board without power never sends: a `slow_close` toxic on the device → broker half,
 * added before the kill, holds that close in the proxy — data still passes — until the rebooted
 * client reports up (the broker has seen its new CONNECT by then), or until teardown.
 */
export function powerCycle(targets: FaultTargets): Fault {
  const { device, link, lab } = targets;
  const tl = lab.timeline;
  let held: ToxicSet | undefined;
  let stopWatching: (() => void) | undefined;
  const release = async () => {
    stopWatching?.();
    stopWatching = undefined;
    const h = held;
    held = undefined;
    await h?.remove();
  };
  return {
    kind: "powerCycle",
    params: { signal: "SIGKILL", closeHeld: "slow_close upstream until the client is up again" },
    async inject() {
      held = await addToxics(link, "powerCycle", [{ type: "slow_close", stream: "upstream", attributes: { delay: HOLD_MS } }]);
      // Healed faults are not restored at teardown: let go of the close then at the latest.
      lab.defer("release the close held by powerCycle", release);
      await device.powerOff();
    },
    async heal() {
      await device.powerOn();
      if (!held) return;
      stopWatching = tl.onEvent((e) => {
        if (!isDeviceUp(e)) return;
        release().catch((err: unknown) => tl.record("fault", "error", { fault: "powerCycle", msg: `could not release the held close: ${oneLine(err)}` }));
      });
    },
    // At teardown the device is being stopped anyway, and the lab refuses to start processes
    // then: only let go of the held close.
    restore: release,
  };
}
