import type { TimelineEvent, Source } from "../../src/timeline/event.ts";
import type { CheckContext } from "../../src/checks/context.ts";

/** Build a timeline by hand: ev(t, src, kind, fields). */
export const ev = (t: number, src: Source, kind: string, fields: Record<string, unknown> = {}): TimelineEvent => ({ t, src, kind, ...fields });

export const ctx = (over: Partial<CheckContext> = {}): CheckContext => ({
  scenario: "hand-built",
  protocol: "3.1.1",
  client: {
    client_id: "dev",
    server: "127.0.0.1",
    port: 1,
    keepalive: 6,
    clean: false,
    clean_init: true,
    protocol: "3.1.1",
    session_expiry: 0,
    response_time: 3,
    subs: [],
    debug: false,
  },
  manifest: { name: "hand", protocols: ["3.1.1"], unsupported: {} },
  bounds: { connectMs: 10_000, reconnectCycleMs: 5_000, reconnectAfterHealMs: 12_000, outageDetectionMs: 11_000, deliveryMs: 5_000 },
  broker: { kind: "mosquitto", durable: true },
  topics: { up: "f/up", down: "f/down", base: "f" },
  ...over,
});

/** A device publish of seq=n on f/up at t, acknowledged at ackT (or not). */
export function devicePublish(id: number, t: number, ackT: number | undefined, ok = true): TimelineEvent[] {
  const out = [ev(t, "device", "op", { id, op: "publish", topic: "f/up", payload: `seq=${id}`, qos: 1 })];
  if (ackT !== undefined) out.push(ev(ackT, "device", "ack", { id, ok, ...(ok ? {} : { err: "timeout" }) }));
  return out;
}

export const observerRecv = (t: number, seq: number): TimelineEvent => ev(t, "observer", "recv", { topic: "f/up", payload: `seq=${seq}`, qos: 1 });

export const sortByT = (events: TimelineEvent[]): TimelineEvent[] => [...events].sort((a, b) => a.t - b.t);
