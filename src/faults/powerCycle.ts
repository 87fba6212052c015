import type { Fault, FaultTargets } from "./fault.ts";
import { addToxics, HOLD_MS, type ToxicSet } from "./toxics.ts";

/**
 * Power cycle: the board loses power (a brown-out, a watchdog reset, a pulled plug) and boots
 * again. Everything in RAM is gone — the client's session state, its queued publishes, its
 * packet ids — and nothing at all goes out on the wire: the broker keeps the half-open
 * connection until its keepalive runs out (1.5 × keepalive) or the rebooted board connects
 * again with the same client id.
 *
 * The lab kills the device process at once (SIGKILL: no DISCONNECT) and heals by starting the
 * agent again and the client with the run's settings, so its first connection is a first
 * connection again (clean_init). The host kernel does close a killed process's socket (a FIN,
 * or an RST with unread data), which a board without power never sends; a `slow_close` toxic
 * on the device → broker half holds that close in the proxy while the board is off and lets it
 * go at power-on, just before the new CONNECT. How long the board stays off is the scenario's
 * wait.
 */
export function powerCycle(targets: FaultTargets): Fault {
  const { device, link } = targets;
  let held: ToxicSet | undefined;
  const release = async () => {
    const h = held;
    held = undefined;
    await h?.remove();
  };
  return {
    kind: "powerCycle",
    params: { signal: "SIGKILL", closeHeld: "slow_close upstream while off" },
    async inject() {
      held = await addToxics(link, "powerCycle", [{ type: "slow_close", stream: "upstream", attributes: { delay: HOLD_MS } }]);
      await device.powerOff();
    },
    async heal() {
      await device.powerOn();
      await release();
    },
    // At teardown the device is being stopped anyway, and the lab refuses to start processes
    // then: only let go of the held close.
    restore: release,
  };
}
