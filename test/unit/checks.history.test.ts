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

import { owedToObserver } from "../../src/checks/owed.ts";
import type { LedgerEntry } from "../../src/checks/ledger.ts";

describe("owedToObserver", () => {
  const m = (sentAt: number): LedgerEntry => ({ dir: "up", topic: "f/up", payload: "seq=6", qos: 1, sentAt, ackedAt: sentAt + 1, deliveries: [] }) as unknown as LedgerEntry;
  const crash = [e(0, "observer", "up", { sessionPresent: false }), e(5, "observer", "subscribed"), e(1000, "broker", "exit"), e(11_640, "observer", "up", { sessionPresent: false }), e(11_654, "observer", "subscribed")];

  it("does not owe the observer a device message the broker took after losing the observer's session and before it subscribed again", () => {
    const o = owedToObserver(m(11_600), crash);
    expect(o.owed).toBe(false);
    expect((o as { why: string }).why).toMatch(/after the broker's exit \(1\.000 s\) lost the observer's session .* Session Present 0/);
  });

  it("owes it a message sent once the subscription was back, or before the exit", () => {
    expect(owedToObserver(m(11_700), crash).owed).toBe(true);
    expect(owedToObserver(m(900), crash).owed).toBe(true);
  });

  it("owes it everything when the broker kept the observer's session", () => {
    const kept = crash.map((x) => (x.t === 11_640 ? { ...x, sessionPresent: true } : x));
    expect(owedToObserver(m(11_600), kept).owed).toBe(true);
  });
});

import { noDuplicatesBeyondDup } from "../../src/checks/noDuplicatesBeyondDup.ts";
import { ctx } from "./helpers.ts";

describe("noDuplicatesBeyondDup and a resend reported before the reconnect", () => {
  it("accepts a device resend that reaches the observer a moment before the device's `up` line does, after its connection ended", () => {
    // walk-out-of-range, v5, seen under load: seq 10 PUBACK lost in an AP loss; down at 15.9 s;
    // MQTT.js resent it on CONNACK (observer at 25.8609 s) before the agent's `up` (25.8611 s).
    const tl = [
      e(0, "device", "up"),
      e(8647, "device", "op", { op: "publish", id: 12, topic: "f/up", payload: "seq=10", qos: 1 }),
      e(8890, "observer", "recv", { topic: "f/up", payload: "seq=10", qos: 1 }),
      e(15_947, "device", "down"),
      e(25_860.9, "observer", "recv", { topic: "f/up", payload: "seq=10", qos: 1 }),
      e(25_861.1, "device", "up"),
      e(25_870, "device", "ack", { id: 12, ok: true, op: "publish" }),
    ];
    const r = noDuplicatesBeyondDup().judge(tl, ctx({ protocol: "5" }));
    expect(r.verdict).toBe("pass");
  });

  it("still fails a second copy while the device's connection never ended", () => {
    const tl = [
      e(0, "device", "up"),
      e(8647, "device", "op", { op: "publish", id: 12, topic: "f/up", payload: "seq=10", qos: 1 }),
      e(8890, "observer", "recv", { topic: "f/up", payload: "seq=10", qos: 1 }),
      e(8900, "device", "ack", { id: 12, ok: true, op: "publish" }),
      e(20_000, "observer", "recv", { topic: "f/up", payload: "seq=10", qos: 1 }),
    ];
    expect(noDuplicatesBeyondDup().judge(tl, ctx({ protocol: "5" })).verdict).toBe("fail");
  });
});

import { owedToDevice } from "../../src/checks/owed.ts";

describe("owedToDevice on a broker that logs no CONNACKs", () => {
  it("takes the device's own session_present 0 as the start of a new, empty session", () => {
    const m = { dir: "down", topic: "f/down", payload: "seq=7", qos: 1, sentAt: 11_500, ackedAt: 11_536, deliveries: [] } as unknown as LedgerEntry;
    const tl = [
      e(0, "device", "up", { session_present: false }),
      e(10, "device", "subscribed", { topic: "f/down" }),
      e(1000, "broker", "exit"),
      e(11_400, "device", "up", { session_present: false }),
      e(11_900, "device", "subscribed", { topic: "f/down" }),
    ];
    const o = owedToDevice(m, tl, ctx({ client: { ...ctx().client, clean: false } }));
    expect(o.owed).toBe(false);
    expect((o as { why: string }).why).toMatch(/new session for the device/);
  });
});
