import type { Check } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { judgeAcknowledged } from "./noLostAcknowledged.ts";
import { buildLedger } from "./ledger.ts";
import { fleetNames } from "./fleet.ts";

export const fleetNoLostAcknowledgedChecker = defineChecker({
  name: "fleetNoLostAcknowledged",
  group: "resilience",
  guarantee: "QoS 1, MQTT §4.3.2, for every device of a fleet: each message a device's client was told was acknowledged reaches the observer at least once",
  bound: "after a drain of max(3 s, response time)",
  factory: fleetNoLostAcknowledged,
});

/**
 * noLostAcknowledged over a whole fleet (every device's stream on its own topic, each device's
 * operations told apart by its name), with the losses counted per device: the summary names
 * the devices that lost messages, the evidence each message, its device, topic and times.
 */
export function fleetNoLostAcknowledged(): Check {
  return {
    name: fleetNoLostAcknowledgedChecker.name,
    guarantee: fleetNoLostAcknowledgedChecker.guarantee,
    judge(events, ctx) {
      const names = fleetNames(events);
      if (!names) return { verdict: "unknown", summary: "no fleet in this run", evidence: [] };
      const r = judgeAcknowledged(events, ctx, { label: "QoS 1", qos: (q) => q >= 1 });
      const acked = buildLedger(events).filter((m) => m.dir === "up" && m.qos >= 1 && m.ackedAt !== undefined);
      const senders = new Set(acked.map((m) => m.device));
      const silent = names.filter((n) => !senders.has(n));
      const lostBy = new Map<string, number>();
      for (const m of acked) if (m.deliveries.length === 0 && m.device) lostBy.set(m.device, (lostBy.get(m.device) ?? 0) + 1);
      const per = [...lostBy].map(([d, n]) => `${d} (${n})`);
      const note = silent.length ? `; ${silent.length} device(s) had nothing acknowledged (${silent.slice(0, 6).join(", ")}${silent.length > 6 ? ", …" : ""})` : "";
      if (r.verdict === "fail")
        return { ...r, summary: `${r.summary} — ${lostBy.size} of ${names.length} devices lost acknowledged messages: ${per.slice(0, 10).join(", ")}${per.length > 10 ? ", …" : ""}`, evidence: firstN(r.evidence, 20) };
      if (r.verdict === "pass") return { ...r, summary: `${acked.length} acknowledged messages of ${senders.size} of ${names.length} devices all delivered${note}`, evidence: firstN(r.evidence, 5) };
      return { ...r, summary: r.summary + note };
    },
  };
}
