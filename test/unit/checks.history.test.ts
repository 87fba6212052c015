import { describe, expect, it } from "vitest";
import { brokerDownIntervals } from "../../src/checks/history.ts";
import type { TimelineEvent } from "../../src/timeline/event.ts";

const e = (t: number, src: TimelineEvent["src"], kind: string, more: Record<string, unknown> = {}): TimelineEvent => ({ t, src, kind, ...more });

describe("brokerDownIntervals", () => {
  it("ends an outage at the lab's ready probe", () => {
    expect(brokerDownIntervals([e(1000, "broker", "exit"), e(11_000, "broker", "ready")])).toEqual([{ from: 1000, to: 11_000 }]);
  });

  it("ends it earlier when a client's CONNACK proves the restarted broker answers before the lab's probe does", () => {
    // mochi restarted at 11.57 s: MQTT.js reconnected (and was PUBACKed) at 11.601 s, the probe reported at 11.627 s.
    const tl = [e(1000, "broker", "exit"), e(11_601, "device", "up"), e(11_627, "broker", "ready"), e(11_640, "observer", "up")];
    expect(brokerDownIntervals(tl)).toEqual([{ from: 1000, to: 11_601 }]);
  });

  it("ignores ups from before the exit and keeps an outage open until proof", () => {
    expect(brokerDownIntervals([e(10, "device", "up"), e(1000, "broker", "exit")])).toEqual([{ from: 1000, to: Infinity }]);
  });
});
