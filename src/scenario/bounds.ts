import type { ClientConfig, ClientManifest } from "../devices/device.ts";
import { promisedTiming } from "../mqtt/client.ts";
import type { Bounds } from "./dsl.ts";

/** Seconds of slack for process scheduling on a loaded 2-core CI machine. */
const SLACK_S = 2;

/**
 * Bounds derived from the client's own settings and the timing its manifest promises (its
 * `promises`, each with the doc it comes from; or the older `timing`), so a
 * scenario never hard-codes "30 s": change the keepalive and every bound follows.
 *
 * mqtt_as, for example: one failed reconnect attempt is a 1 s pause, about 1 s for the WLAN
 * to come up, its 5 s "WiFi stable" watch and one response time.
 */
export function deriveBounds(cfg: ClientConfig, manifest: ClientManifest): Bounds {
  const t = promisedTiming(manifest);
  const pause = t.reconnectDelay;
  const stable = t.wifiStableWait;
  const detect = t.outageDetection;
  const cycle = pause + stable + cfg.response_time;
  return {
    // First connect may include a clean_init round trip (connect clean, disconnect, 2 s, reconnect).
    connectMs: (stable + 2 * cfg.response_time + 2 + SLACK_S) * 1000,
    reconnectCycleMs: cycle * 1000,
    reconnectAfterHealMs: (2 * cycle + SLACK_S) * 1000,
    outageDetectionMs: (detect * cfg.keepalive + SLACK_S) * 1000,
    deliveryMs: (cfg.response_time + SLACK_S) * 1000,
  };
}
