import { oneLine } from "../lab/errors.ts";
import type { Fault, FaultTargets } from "./fault.ts";
import { SILENT_WIRE, silentWire, type ToxicSet } from "./toxics.ts";
import { isDeviceUp } from "../timeline/is.ts";

/**
 * The outline the WiFi-stack faults share (statusLingers, idleDuringConnect, connectFails,
 * slowDhcp, associatedNoRoute): an AP loss, as apLoss makes it — the silent wire and the
 * emulated WLAN down — while the board's WLAN driver in the unix device's `network` shim is
 * bent by `knobs` (the agent's `wlan` op, docs/agent-protocol.md). The driver misbehaves on
 * the way back: the knobs stay in effect after the AP returns, until the client reports up
 * again (then they are taken off: the misbehaviour was one reconnect's) or, for knobs the
 * shim retires itself (a linger that a pause cleared, failures counted down), until then.
 * `apLoss: false` keeps the WLAN up and cuts only the wire (associated, nothing passes).
 * What status() returns goes on the timeline as the shim's `wlan` events.
 */
export function wlanStackFault(targets: FaultTargets, kind: string, params: Record<string, unknown>, knobs: Record<string, unknown>, opts: { apLoss: boolean }): Fault {
  const { device, link, lab } = targets;
  const tl = lab.timeline;
  let wire: ToxicSet | undefined;
  let stopWatching: (() => void) | undefined;
  const off = Object.fromEntries(Object.keys(knobs).map((k) => [k, null]));
  const clearWire = async () => {
    const w = wire;
    wire = undefined;
    await w?.remove();
  };
  return {
    kind,
    params: { ...params, wlan: opts.apLoss ? "down, then back with the driver bent" : "up (associated), driver bent", wire: SILENT_WIRE },
    async inject() {
      wire = await silentWire(link, kind);
      await device.wlan(knobs);
      if (opts.apLoss) await device.wifi(false);
    },
    async heal() {
      await clearWire();
      if (opts.apLoss) await device.wifi(true);
      else await device.wlan(off);
      if (!opts.apLoss) return;
      stopWatching = tl.onEvent((e) => {
        if (!isDeviceUp(e)) return;
        stopWatching?.();
        stopWatching = undefined;
        device.wlan(off).catch((err: unknown) => tl.record("fault", "error", { fault: kind, msg: `could not take the WLAN knobs off: ${oneLine(err)}` }));
      });
      lab.defer(`stop watching for ${kind}'s reconnect`, () => stopWatching?.());
    },
    // At teardown the device is about to be stopped: only the wire must not stay broken.
    restore: clearWire,
  };
}
