// What every timeline event shares: who recorded it, when, and what kind it is (src/timeline/events.ts).

/** Who recorded an event. Every event is stamped on one host monotonic clock. */
export type Source = "device" | "broker" | "fault" | "observer" | "peer" | "wire" | "lab";

/** Message contents as the timeline writes them: UTF-8 text as a string, other bytes as {"hex": …} (src/mqtt/values.ts). */
export type Bytes = string | { hex: string };

/** v5 properties by MQTT.js's names, values as the timeline writes them. */
export type Props = Record<string, unknown>;

/**
 * One line of timeline.jsonl. `t` is milliseconds since the run started, on the host's
 * monotonic clock, so events from the device, the broker, the faults and the observer can be
 * ordered against each other.
 */
export interface Base<S extends Source, K extends string> {
  t: number;
  src: S;
  kind: K;
  [field: string]: unknown;
}
