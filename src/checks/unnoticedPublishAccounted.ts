import { at } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { buildLedger, describe } from "./ledger.ts";
import { deviceUpAt, faultSpans } from "./history.ts";
import { isDevice } from "../timeline/is.ts";

/** Faults that silence the link without telling the client: it can only find out by its timers. */
export const SILENT_FAULTS = ["apLoss", "partition", "brokerFreeze"];

export const unnoticedPublishAccountedChecker = defineChecker({
  name: "unnoticedPublishAccounted",
  group: "resilience",
  guarantee: "MQTT §4.3.2, §4.4: a QoS 1 publish issued during a silent outage the client has not noticed yet is delivered, or reported to the application as not sent — never left hanging",
  bound: "judged after the drain",
  factory: unnoticedPublishAccounted,
});

/**
 * Client promise (MQTT §4.3.2 QoS 1 from the sender's side, §4.4 resend on reconnect): a QoS 1
 * publish the application issues while the link is already dead but the client has not yet
 * noticed — after a silent fault began and before the client's own `down` — is either
 * delivered (the client kept it and resent it once it was back) or reported to the
 * application as not sent (its publish returned a failure). Never acknowledged-and-lost
 * (noLostAcknowledged also says so), and never left unanswered and undelivered: an
 * application waiting forever on a message that silently vanished is the failure.
 * Judged at the end of the run, after the runner's drain; a publish still unanswered then is
 * judged by its delivery alone.
 */
export function unnoticedPublishAccounted(kinds: string[] = SILENT_FAULTS): Check {
  return {
    name: unnoticedPublishAccountedChecker.name,
    guarantee: unnoticedPublishAccountedChecker.guarantee,
    judge(events) {
      const spans = faultSpans(events).filter((f) => kinds.includes(f.fault));
      if (spans.length === 0) return { verdict: "unknown", summary: `no ${kinds.join("/")} fault in this run: no unnoticed outage`, evidence: [] };
      const downs = events.filter((e) => isDevice(e, "down", "exit"));
      const ledger = buildLedger(events).filter((m) => m.dir === "up" && m.qos >= 1);
      const evidence: Evidence[] = [];
      let judged = 0;
      let failed = 0;
      for (const f of spans) {
        if (!deviceUpAt(events, f.from)) {
          evidence.push({ t: f.from, text: `${f.fault} at ${at(f.from)} found the client already down: no unnoticed window` });
          continue;
        }
        const noticed = downs.find((d) => d.t >= f.from)?.t ?? Infinity;
        const until = Math.min(noticed, f.to);
        const inWindow = ledger.filter((m) => m.sentAt >= f.from && m.sentAt < until);
        for (const m of inWindow) {
          judged++;
          const window = `issued at ${at(m.sentAt)}, after ${f.fault} began (${at(f.from)}) and before the client noticed (${noticed === Infinity ? "never" : at(noticed)})`;
          if (m.deliveries.length > 0) {
            evidence.push({ t: m.deliveries[0], text: `${describe(m)} ${window}: delivered at ${at(m.deliveries[0]!)}` });
          } else if (m.failedAt !== undefined) {
            evidence.push({ t: m.failedAt, text: `${describe(m)} ${window}: reported not sent at ${at(m.failedAt)} ("${m.failure ?? "failed"}")` });
          } else if (m.ackedAt !== undefined) {
            failed++;
            evidence.push({ t: m.ackedAt, charged: "client", text: `${describe(m)} ${window}: acknowledged to the application at ${at(m.ackedAt)} but never delivered` });
          } else {
            failed++;
            evidence.push({ t: m.sentAt, charged: "client", text: `${describe(m)} ${window}: never delivered, and the application was never told (no answer by the end of the run)` });
          }
        }
      }
      if (failed) return { verdict: "fail", summary: `${failed} of ${judged} publish(es) issued in an unnoticed outage vanished without the application being told`, evidence: firstN([...evidence.filter((e) => e.charged), ...evidence.filter((e) => !e.charged)]) };
      if (judged === 0) return { verdict: "unknown", summary: "no QoS 1 publish was issued in an outage before the client noticed it", evidence: firstN(evidence) };
      return { verdict: "pass", summary: `each of ${judged} publish(es) issued in an unnoticed outage was delivered or reported not sent`, evidence: firstN(evidence) };
    },
  };
}
